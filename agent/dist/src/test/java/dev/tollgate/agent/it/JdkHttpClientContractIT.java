package dev.tollgate.agent.it;

/** java.net.http.HttpClient#send. */
class JdkHttpClientContractIT extends AbstractClientContractIT {
  @Override
  String client() {
    return "jdk-httpclient";
  }
}
