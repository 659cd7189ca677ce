/**
 * Client-independent helpers that are injected, next to a client's own helpers, into the class
 * loader of OkHttp or Apache HttpClient (see {@code HelperInjector}). They use java.base and the
 * bootstrap {@code Hooks} only, and never throw into the application except on purpose (the
 * interrupted wait before a retry, as the client's own {@code IOException}).
 */
package dev.tollgate.agent.instrumentation.inject;
