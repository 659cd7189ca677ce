package dev.tollgate.agent.it;

/**
 * OkHttp 5 under the controller: limits, the breaker, and transparent retries (the interceptor
 * sends a replayable request again; the retried response is closed unread).
 */
class OkHttpControllerIT extends AbstractControllerScenarioIT {
  @Override
  String client() {
    return "okhttp";
  }

  @Override
  String[] clientJars() {
    return new String[] {"okhttp-jvm", "okio", "kotlin-stdlib"};
  }
}
