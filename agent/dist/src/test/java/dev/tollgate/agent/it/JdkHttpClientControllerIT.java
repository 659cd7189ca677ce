package dev.tollgate.agent.it;

class JdkHttpClientControllerIT extends AbstractControllerScenarioIT {
  @Override
  String client() {
    return "jdk-httpclient";
  }
}
