package dev.tollgate.agent.it;

/** OkHttp 4.12 (Kotlin, Okio 3.6), from target/okhttp4-libs instead of the test class path. */
class OkHttp4ContractIT extends OkHttpContractIT {
  @Override
  String applicationClassPath() {
    return AgentProcess.classPath() + java.io.File.pathSeparator + Libs.dir("okhttp4-libs");
  }
}
