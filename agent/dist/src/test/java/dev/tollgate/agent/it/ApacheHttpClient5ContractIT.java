package dev.tollgate.agent.it;

/** Apache HttpClient 5 classic, {@code CloseableHttpClient.execute}. */
class ApacheHttpClient5ContractIT extends AbstractClientContractIT {
  @Override
  String client() {
    return "apache-httpclient-5";
  }

  @Override
  String[] clientJars() {
    return new String[] {"httpclient5", "httpcore5", "slf4j-api"};
  }

  /**
   * The request entity is copied as the client writes it, which happens only once connected: a
   * refused connection leaves the request model unknown.
   */
  @Override
  boolean writesBodyBeforeConnecting() {
    return false;
  }

  /** The client's content compression asks for gzip and hands the application the decoded body. */
  @Override
  boolean decodesContentEncoding() {
    return true;
  }
}
