package dev.tollgate.agent.it;

/** java.net.http.HttpClient#sendAsync. */
class JdkHttpClientAsyncContractIT extends AbstractClientContractIT {
  @Override
  String client() {
    return "jdk-httpclient-async";
  }

  @Override
  String clientFamily() {
    return "jdk-httpclient";
  }
}
