/**
 * A frozen copy of the controller's admission and release path as of commit 920665f (before the
 * hot-path work), so that {@code AdmissionBenchmark} measures old and new in the same run on the
 * same machine. Only package names, imports and the metrics interfaces were changed. Not used by
 * anything else; delete it once the comparison is no longer wanted.
 */
package dev.tollgate.controller.bench.baseline;
