package dev.tollgate.samples.apps;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/** Chat completions with OkHttp, blocking then streaming. */
public final class OkHttpChat {
  private OkHttpChat() {}

  private static final MediaType JSON = MediaType.get("application/json");

  public static void main(String[] args) throws Exception {
    run(new Cli(args, System.getenv()), System.out);
  }

  static void run(Cli cli, PrintStream out) throws Exception {
    OkHttpClient client =
        new OkHttpClient.Builder()
            .connectTimeout(5, TimeUnit.SECONDS)
            .readTimeout(60, TimeUnit.SECONDS)
            .build();
    String url = Llm.endpoint(cli.baseUrl(), "/chat/completions");
    try {
      if (cli.blocking()) {
        try (Response r = client.newCall(request(url, cli, false)).execute()) {
          String body = r.body().string();
          JdkHttpClientChat.check(r.code(), body);
          JsonNode json = Llm.parse(body);
          out.println("blocking: " + Llm.answer(json) + " (" + Llm.usage(json.get("usage")) + ")");
        }
      }
      if (cli.streaming()) {
        try (Response r = client.newCall(request(url, cli, true)).execute()) {
          if (!r.isSuccessful()) {
            JdkHttpClientChat.check(r.code(), r.body().string());
          }
          Llm.Stream s = new Llm.Stream();
          out.print("streaming: ");
          BufferedSource source = r.body().source();
          for (String line; (line = source.readUtf8Line()) != null; ) {
            String text = s.line(line);
            if (text != null) {
              out.print(text);
              out.flush();
            }
          }
          out.println(" (" + Llm.usage(s.usage) + ")");
        }
      }
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  private static Request request(String url, Cli cli, boolean stream) {
    return new Request.Builder()
        .url(url)
        .header("Authorization", "Bearer " + cli.apiKey())
        .post(RequestBody.create(Llm.chatRequest(cli.model(), cli.prompt(), stream), JSON))
        .build();
  }
}
