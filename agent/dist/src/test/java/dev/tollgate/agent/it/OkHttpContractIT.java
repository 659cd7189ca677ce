package dev.tollgate.agent.it;

/** OkHttp 5 (the test class path's), {@code Call.execute}. */
class OkHttpContractIT extends AbstractClientContractIT {
  @Override
  String client() {
    return "okhttp";
  }

  @Override
  String[] clientJars() {
    return new String[] {"okhttp-jvm", "okio", "kotlin-stdlib"};
  }

  /**
   * OkHttp writes the request body only once connected, and the agent copies it as OkHttp writes it
   * (never by writing it a second time: a body may be one-shot), so a refused connection leaves the
   * request model unknown.
   */
  @Override
  boolean writesBodyBeforeConnecting() {
    return false;
  }

  /** OkHttp asks for gzip itself and hands the application the decoded body. */
  @Override
  boolean decodesContentEncoding() {
    return true;
  }
}
