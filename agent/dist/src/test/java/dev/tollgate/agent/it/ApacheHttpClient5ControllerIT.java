package dev.tollgate.agent.it;

/**
 * Apache HttpClient 5 (classic) under the controller: limits, the breaker, and transparent retries
 * (Tollgate's exec-chain handler sends a repeatable request again; the retried response is closed
 * unread). The adapter switches the client's own retries off, so the outage scenario counts only
 * Tollgate's calls; ApacheRetryIT runs the client with its defaults.
 */
class ApacheHttpClient5ControllerIT extends AbstractControllerScenarioIT {
  @Override
  String client() {
    return "apache-httpclient-5";
  }

  @Override
  String[] clientJars() {
    return new String[] {"httpclient5", "httpcore5", "slf4j-api"};
  }
}
