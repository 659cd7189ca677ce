package dev.tollgate.agent.it;

/**
 * HttpURLConnection: the application writes the body to a stream the agent cannot replay, so the
 * controller's limits and breaker apply but it makes no retries (documented in docs/controller.md).
 */
class UrlConnectionControllerIT extends AbstractControllerScenarioIT {
  @Override
  String client() {
    return "http-url-connection";
  }

  @Override
  boolean retriesTransparently() {
    return false;
  }
}
