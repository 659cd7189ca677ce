package dev.tollgate.agent.core.detect;

import dev.tollgate.agent.core.call.Provider;
import java.net.URI;
import java.util.Locale;

/**
 * One endpoint the user configured: a name, a base URL and the provider it speaks. Immutable. The
 * URL is parsed once here so that {@link Recognizer} compares plain strings on the hot path.
 */
public final class EndpointConfig {
  private final String name;
  private final String url;
  private final Provider provider;
  private final String scheme;
  private final String host;
  private final int port;

  /** Path of the base URL without a trailing slash; "" for the root. */
  private final String pathPrefix;

  /**
   * @param url absolute base URL, e.g. {@code https://dify.internal/v1}
   * @throws IllegalArgumentException when the URL is not absolute http(s) or names no host
   */
  public EndpointConfig(String name, String url, Provider provider) {
    if (name == null || url == null || provider == null) {
      throw new IllegalArgumentException("name, url and provider are required");
    }
    URI uri = URI.create(url.trim());
    String s = uri.getScheme();
    String h = uri.getHost();
    if (s == null || h == null) {
      throw new IllegalArgumentException("endpoint url must be absolute: " + url);
    }
    this.name = name;
    this.url = url;
    this.provider = provider;
    this.scheme = s.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("endpoint url must be http or https: " + url);
    }
    // IPv6 literals come back bracketed from URI; clients report them without brackets.
    String host = h.toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    this.host = host;
    this.port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    String p = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    this.pathPrefix = p;
  }

  public String getName() {
    return name;
  }

  public String getUrl() {
    return url;
  }

  public Provider getProvider() {
    return provider;
  }

  public String getScheme() {
    return scheme;
  }

  public String getHost() {
    return host;
  }

  public int getPort() {
    return port;
  }

  public String getPathPrefix() {
    return pathPrefix;
  }

  @Override
  public String toString() {
    return name + "=" + provider.configKey + "@" + url;
  }
}
