package dev.tollgate.samples.fakellm;

/**
 * The fake model's words: one word per output token, cycled. Two words are multi-byte in UTF-8 so
 * clients that decode chunks instead of bytes show their bug.
 */
final class Text {
  private Text() {}

  private static final String[] WORDS = {
    "The",
    " fake",
    " model",
    " answers",
    " with",
    " tokens",
    " that",
    " tests",
    " can",
    " count",
    ",",
    " café",
    " 世界",
    " and",
    " then",
    " it",
    " stops",
    "."
  };

  static String token(int i) {
    return WORDS[i % WORDS.length];
  }

  private static final int CACHED = 4096;
  private static final String[] ANSWERS = new String[CACHED];
  private static final String[] ANSWERS_JSON = new String[CACHED];

  static String answer(int tokens) {
    if (tokens < CACHED) {
      String a = ANSWERS[tokens];
      if (a == null) {
        ANSWERS[tokens] = a = build(tokens); // a benign race: every thread builds the same string
      }
      return a;
    }
    return build(tokens);
  }

  /** The answer as a quoted, escaped JSON string. */
  static String answerJson(int tokens) {
    if (tokens < CACHED) {
      String a = ANSWERS_JSON[tokens];
      if (a == null) {
        ANSWERS_JSON[tokens] = a = Json.str(new StringBuilder(), answer(tokens)).toString();
      }
      return a;
    }
    return Json.str(new StringBuilder(), answer(tokens)).toString();
  }

  private static String build(int tokens) {
    StringBuilder sb = new StringBuilder(tokens * 6);
    for (int i = 0; i < tokens; i++) {
      sb.append(token(i));
    }
    return sb.toString();
  }
}
