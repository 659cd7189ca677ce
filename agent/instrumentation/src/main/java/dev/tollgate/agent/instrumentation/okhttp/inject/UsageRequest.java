package dev.tollgate.agent.instrumentation.okhttp.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.Buffer;

/**
 * The opt-in include_usage on OkHttp: for a call the agent may rewrite, the application's body is
 * written once more into memory (allowed only for a body that says it is neither one-shot nor
 * duplex, of known length under 64 KiB: OkHttp itself writes such bodies again on retries and
 * redirects) and replaced by the rewritten bytes, with the same media type. OkHttp's bridge sets
 * Content-Length from the new body. OkHttp before 3.14 cannot say whether a body is one-shot, so
 * nothing is rewritten there.
 */
final class UsageRequest {
  private static final int MAX_BODY = 64 * 1024;

  private UsageRequest() {}

  /** The request to send: the application's, or one whose body asks for the stream's usage. */
  static Request rewrite(Hooks hooks, Object call, Request request) {
    try {
      HttpUrl url = request.url();
      if (!hooks.callMayAddUsage(
          call, url.encodedPath(), url.encodedQuery(), new HeaderLookup(request.headers()))) {
        return request;
      }
      RequestBody body = request.body();
      if (body == null || body.isOneShot() || body.isDuplex()) {
        return request;
      }
      long length = body.contentLength();
      if (length <= 0 || length >= MAX_BODY) {
        return request;
      }
      Buffer buffer = new Buffer();
      body.writeTo(buffer);
      if (buffer.size() != length) {
        return request;
      }
      byte[] bytes = buffer.readByteArray();
      byte[] rewritten = hooks.callAddUsage(call, bytes, 0, bytes.length);
      if (rewritten == null) {
        return request;
      }
      return request
          .newBuilder()
          .method(request.method(), RequestBody.create(body.contentType(), rewritten))
          .build();
    } catch (Throwable t) {
      return request;
    }
  }
}
