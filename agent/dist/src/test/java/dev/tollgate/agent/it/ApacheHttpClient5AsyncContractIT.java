package dev.tollgate.agent.it;

/**
 * Apache HttpClient 5 async, {@code CloseableHttpAsyncClient.execute} with a streaming consumer.
 */
class ApacheHttpClient5AsyncContractIT extends ApacheHttpClient5ContractIT {
  @Override
  String client() {
    return "apache-httpclient-5-async";
  }

  @Override
  String clientFamily() {
    return "apache-httpclient-5";
  }
}
