package dev.tollgate.agent.installer;

import java.util.HashMap;
import java.util.Map;

/**
 * Every class the agent transforms, by exact name, with the helper packages that must be in its
 * loader first. The instrumentations match these names and {@link CachingTransformer} filters on
 * them, so this is the one list. Plain strings only: reading it loads no Byte Buddy class.
 */
public final class Targets {
  public static final String JDK_HTTP_CLIENT = "jdk.internal.net.http.HttpClientImpl";
  public static final String URL_CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
  public static final String OKHTTP_BUILDER = "okhttp3.OkHttpClient$Builder";
  public static final String APACHE4_BUILDER = "org.apache.http.impl.client.HttpClientBuilder";
  public static final String APACHE4_RETRY_EXEC = "org.apache.http.impl.execchain.RetryExec";
  public static final String APACHE4_SERVICE_UNAVAILABLE_RETRY_EXEC =
      "org.apache.http.impl.execchain.ServiceUnavailableRetryExec";
  public static final String APACHE5_CLASSIC_BUILDER =
      "org.apache.hc.client5.http.impl.classic.HttpClientBuilder";
  public static final String APACHE5_CACHING_CLASSIC_BUILDER =
      "org.apache.hc.client5.http.impl.cache.CachingHttpClientBuilder";
  public static final String APACHE5_ASYNC_BUILDER =
      "org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder";
  public static final String APACHE5_CACHING_ASYNC_BUILDER =
      "org.apache.hc.client5.http.impl.cache.CachingHttpAsyncClientBuilder";
  public static final String APACHE5_RETRY_EXEC =
      "org.apache.hc.client5.http.impl.classic.HttpRequestRetryExec";

  private static final String COMMON_HELPERS = "dev.tollgate.agent.instrumentation.inject";

  public static String[] okHttpHelpers() {
    return new String[] {COMMON_HELPERS, "dev.tollgate.agent.instrumentation.okhttp.inject"};
  }

  public static String[] apache4Helpers() {
    return new String[] {COMMON_HELPERS, "dev.tollgate.agent.instrumentation.apache.v4.inject"};
  }

  public static String[] apache5Helpers() {
    return new String[] {COMMON_HELPERS, "dev.tollgate.agent.instrumentation.apache.v5.inject"};
  }

  private Targets() {}

  /** Internal class name ({@code a/b/C}) to helper packages (empty for JDK classes). */
  static Map<String, String[]> byInternalName() {
    Map<String, String[]> m = new HashMap<>();
    m.put(internal(JDK_HTTP_CLIENT), new String[0]);
    m.put(internal(URL_CONNECTION), new String[0]);
    m.put(internal(OKHTTP_BUILDER), okHttpHelpers());
    m.put(internal(APACHE4_BUILDER), apache4Helpers());
    m.put(internal(APACHE4_RETRY_EXEC), apache4Helpers());
    m.put(internal(APACHE4_SERVICE_UNAVAILABLE_RETRY_EXEC), apache4Helpers());
    for (String n :
        new String[] {
          APACHE5_CLASSIC_BUILDER,
          APACHE5_CACHING_CLASSIC_BUILDER,
          APACHE5_ASYNC_BUILDER,
          APACHE5_CACHING_ASYNC_BUILDER,
          APACHE5_RETRY_EXEC
        }) {
      m.put(internal(n), apache5Helpers());
    }
    return m;
  }

  private static String internal(String name) {
    return name.replace('.', '/');
  }
}
