package dev.tollgate.samples.loadgen;

import java.net.URI;

/** Where requests go. The base URL may or may not end in {@code /v1}; both work. */
record Target(String scheme, String host, int port, String basePath) {

  static Target parse(String url) {
    URI u;
    try {
      u = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--url is not a URL: " + url);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("--url must start with http:// or https://: " + url);
    }
    if (u.getHost() == null) {
      throw new IllegalArgumentException("--url has no host: " + url);
    }
    int port = u.getPort() > 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new Target(scheme, u.getHost(), port, path);
  }

  /** {@code /chat/completions} under the API version prefix: {@code /v1} is added if missing. */
  String apiPath(String suffix) {
    return (basePath.endsWith("/v1") ? basePath : basePath + "/v1") + suffix;
  }

  /** A path of the service itself, not of a versioned API. */
  String plainPath(String suffix) {
    return basePath + suffix;
  }

  String hostHeader() {
    boolean defaultPort =
        (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
    String h = host.contains(":") ? "[" + host + "]" : host;
    return defaultPort ? h : h + ":" + port;
  }

  String origin() {
    return scheme + "://" + hostHeader();
  }
}
