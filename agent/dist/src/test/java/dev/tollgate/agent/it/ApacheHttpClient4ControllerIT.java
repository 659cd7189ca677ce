package dev.tollgate.agent.it;

/**
 * Apache HttpClient 4.5 (built by {@code HttpClients.custom()}, which retries no status by itself)
 * under the controller: limits, the breaker, and transparent retries (Tollgate's stage around the
 * protocol stage sends a repeatable request again; the retried response is closed unread).
 */
class ApacheHttpClient4ControllerIT extends AbstractControllerScenarioIT {
  @Override
  String client() {
    return "apache-httpclient-4";
  }

  @Override
  String[] clientJars() {
    return new String[] {"httpclient-4", "httpcore-4", "commons-logging", "commons-codec"};
  }
}
