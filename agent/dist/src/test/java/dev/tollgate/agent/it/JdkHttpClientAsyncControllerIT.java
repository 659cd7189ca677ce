package dev.tollgate.agent.it;

class JdkHttpClientAsyncControllerIT extends AbstractControllerScenarioIT {
  @Override
  String client() {
    return "jdk-httpclient-async";
  }
}
