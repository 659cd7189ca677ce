package dev.tollgate.agent.it;

/** Apache HttpClient 4.5, built by {@code HttpClients.custom()}. */
class ApacheHttpClient4ContractIT extends AbstractClientContractIT {
  @Override
  String client() {
    return "apache-httpclient-4";
  }

  @Override
  String[] clientJars() {
    return new String[] {"httpclient-4", "httpcore-4", "commons-logging", "commons-codec"};
  }

  /** The request entity is written only once connected: see ApacheHttpClient5ContractIT. */
  @Override
  boolean writesBodyBeforeConnecting() {
    return false;
  }

  /** The client's ResponseContentEncoding asks for gzip and decodes it. */
  @Override
  boolean decodesContentEncoding() {
    return true;
  }
}
