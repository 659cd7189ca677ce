package dev.tollgate.agent.it.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import net.bytebuddy.ByteBuddy;

/**
 * An application with its own (older) Jackson, OpenTelemetry SDK and Byte Buddy on its class
 * path, using all three around an LLM call. Prints what it saw, one fact per line.
 */
public final class CoexistenceApp {
  public static void main(String[] args) throws Exception {
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).buildAndRegisterGlobal();
    Span span = GlobalOpenTelemetry.getTracer("app").spanBuilder("app-work").startSpan();
    HttpResponse<String> resp =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(args[0]))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    span.end();
    JsonNode body = new ObjectMapper().readTree(resp.body());
    Class<?> generated = new ByteBuddy().subclass(Object.class).make().load(CoexistenceApp.class.getClassLoader()).getLoaded();
    System.out.println("status=" + resp.statusCode());
    System.out.println("model=" + body.path("model").asText());
    System.out.println("jackson=" + ObjectMapper.class.getPackage().getImplementationVersion() + " from " + where(ObjectMapper.class));
    System.out.println("otel-sdk=" + where(OpenTelemetrySdk.class));
    System.out.println("bytebuddy=" + where(ByteBuddy.class) + " generated=" + (generated != null));
    System.out.println("span-valid=" + span.getSpanContext().isValid());
    sdk.close();
  }

  private static String where(Class<?> c) {
    return c.getProtectionDomain().getCodeSource().getLocation().getPath();
  }
}
