package dev.tollgate.agent.it.app;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A small application making LLM calls in the ways the end-to-end tests need: OkHttp from its class
 * path, the JDK client, Apache HttpClient 5 with its defaults and 4 as built (with repeatable and
 * streamed entities), and OkHttp from a class loader it creates at run time (long after premain)
 * over jars of another OkHttp version. Prints one line per call.
 */
public final class LlmCallsApp {
  static final String CHAT =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
  static final String STREAM =
      "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Summarize the contract\"}]}";

  public static void main(String[] args) throws Exception {
    String url = args[0];
    for (int i = 1; i < args.length; i++) {
      String op = args[i];
      String result;
      if (op.equals("okhttp-chat")) {
        result = OkHttpCalls.post(url, CHAT);
      } else if (op.equals("okhttp-stream")) {
        result = OkHttpCalls.post(url, STREAM);
      } else if (op.equals("jdk-chat")) {
        HttpResponse<byte[]> r =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                    HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        result = "status=" + r.statusCode() + " bytes=" + r.body().length;
      } else if (op.equals("apache5-chat")) {
        result = ApacheCalls.classic(url, CHAT);
      } else if (op.equals("apache5-chat-streamed")) {
        result = ApacheCalls.classicStreamed(url, CHAT);
      } else if (op.equals("apache5-async-chat")) {
        result = ApacheCalls.async(url, CHAT);
      } else if (op.equals("apache4-chat")) {
        result = Apache4Calls.post(url, CHAT, false, false);
      } else if (op.equals("apache4-chat-retry503")) {
        result = Apache4Calls.post(url, CHAT, true, false);
      } else if (op.equals("apache4-chat-streamed")) {
        result = Apache4Calls.post(url, CHAT, false, true);
      } else if (op.startsWith("late-okhttp:")) {
        result = late(url, op.substring("late-okhttp:".length()));
      } else {
        throw new IllegalArgumentException(op);
      }
      System.out.println(op.replaceFirst(":.*", "") + " " + result);
    }
  }

  /** OkHttp from jars in {@code dir}, in a loader made now whose parent knows no OkHttp. */
  private static String late(String url, String dir) throws Exception {
    List<URL> urls = new ArrayList<>();
    urls.add(LlmCallsApp.class.getProtectionDomain().getCodeSource().getLocation());
    for (File f : new File(dir).listFiles()) {
      urls.add(f.toURI().toURL());
    }
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      Class<?> calls = loader.loadClass(OkHttpCalls.class.getName());
      return (String) calls.getMethod("post", String.class, String.class).invoke(null, url, CHAT);
    }
  }
}
