package dev.tollgate.agent.it;

/**
 * Apache HttpClient 5 (classic) under the controller: limits and the breaker apply; retries are
 * Apache's own (the adapter switches them off, so a 429 reaches the application as it is).
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

  @Override
  boolean retriesTransparently() {
    return false;
  }
}
