package dev.tollgate.agent.instrumentation.apache.v5.inject;

import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * What Tollgate's handler hands up the chain as final, so that the client's own retry stages
 * above do not send the request again: a response the endpoint's retry policy refused to retry
 * (attempts or budget spent, a status the policy does not retry, a server delay beyond {@code
 * max_server_delay}), or the exception of a call the controller refused (a breaker open, a limit
 * hit). Kept in the request's context and recognized by identity, so a context reused for another
 * request carries nothing over.
 */
final class FinalOutcome {
  private static final String KEY = "dev.tollgate.final-outcome";

  private FinalOutcome() {}

  static void mark(HttpContext context, Object outcome) {
    try {
      if (context != null) {
        context.setAttribute(KEY, outcome);
      }
    } catch (Throwable ignored) {
      // the client's retry stage then decides as it would without the agent
    }
  }

  static boolean is(HttpContext context, Object outcome) {
    try {
      return context != null && outcome != null && context.getAttribute(KEY) == outcome;
    } catch (Throwable t) {
      return false;
    }
  }
}
