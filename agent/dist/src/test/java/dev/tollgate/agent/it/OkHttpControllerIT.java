package dev.tollgate.agent.it;

/** OkHttp 5 under the controller: limits and the breaker apply; the agent does not re-send (yet). */
class OkHttpControllerIT extends AbstractControllerScenarioIT {
  @Override
  String client() {
    return "okhttp";
  }

  @Override
  String[] clientJars() {
    return new String[] {"okhttp-jvm", "okio", "kotlin-stdlib"};
  }

  @Override
  boolean retriesTransparently() {
    return false;
  }
}
