package dev.tollgate.agent.it;

/** java.net.HttpURLConnection. */
class UrlConnectionContractIT extends AbstractClientContractIT {
  @Override
  String client() {
    return "http-url-connection";
  }

  @Override
  boolean writesBodyBeforeConnecting() {
    return false;
  }
}
