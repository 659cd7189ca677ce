import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The demo's tiny HTTP client, so the script needs nothing but a JDK:
 * {@code java demo/Http.java get URL}, {@code java demo/Http.java post URL JSON},
 * {@code java demo/Http.java wait URL} (until it answers 200, at most 30 s).
 */
public class Http {
  public static void main(String[] args) throws Exception {
    HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    switch (args[0]) {
      case "get" -> System.out.println(c.send(HttpRequest.newBuilder(URI.create(args[1])).build(), HttpResponse.BodyHandlers.ofString()).body());
      case "post" -> {
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(args[1])).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(args[2])).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
          System.err.println(args[1] + " -> " + r.statusCode() + " " + r.body());
          System.exit(1);
        }
      }
      case "wait" -> {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
          try {
            if (c.send(HttpRequest.newBuilder(URI.create(args[1])).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
              return;
            }
          } catch (java.io.IOException e) {
            // not up yet
          }
          Thread.sleep(100);
        }
        System.err.println(args[1] + " did not answer within 30 s");
        System.exit(1);
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
