package dev.tollgate.sidecar.alerts;

import java.util.List;

/**
 * The rules loaded from one file, and the ones that could not be.
 *
 * @param source the file's path, or {@code default} for the bundled default rules
 * @param rules rules that loaded, in file order
 * @param errors rules (or parts of the file) that did not, with where
 */
public record RuleSet(String source, List<Rule> rules, List<LoadError> errors) {

  /**
   * A problem found while loading.
   *
   * @param line 1-based line in the file; 0 when unknown
   * @param column 1-based column; 0 when unknown
   * @param rule the rule's name when it was readable; null otherwise
   * @param message what is wrong
   */
  public record LoadError(int line, int column, String rule, String message) {
    @Override
    public String toString() {
      return "line " + line + (rule == null ? "" : " (rule '" + rule + "')") + ": " + message;
    }
  }

  public RuleSet {
    rules = List.copyOf(rules);
    errors = List.copyOf(errors);
  }
}
