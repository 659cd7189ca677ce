package dev.tollgate.agent.it;

/** OkHttp 3.14 (Java, Okio 1), from target/okhttp3-libs instead of the test class path. */
class OkHttp3ContractIT extends OkHttpContractIT {
  @Override
  String applicationClassPath() {
    return AgentProcess.classPath() + java.io.File.pathSeparator + Libs.dir("okhttp3-libs");
  }
}
