package dev.tollgate.agent.it;

/** OkHttp 5, {@code Call.enqueue}: the interceptor runs on OkHttp's dispatcher threads. */
class OkHttpAsyncContractIT extends OkHttpContractIT {
  @Override
  String client() {
    return "okhttp-async";
  }

  @Override
  String clientFamily() {
    return "okhttp";
  }
}
