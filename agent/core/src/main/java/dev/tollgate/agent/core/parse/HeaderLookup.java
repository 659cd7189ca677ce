package dev.tollgate.agent.core.parse;

/** Reads one response or request header; each client adapts its own header type to this. */
public interface HeaderLookup {
  /** Returns the first value of the header (name given in lower case), or null when absent. */
  String get(String lowerCaseName);
}
