package dev.tollgate.samples.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds the request templates of a scenario: the exact bytes each request will send. */
final class Scenario {
  private Scenario() {}

  static final String DEFAULT_PROMPT =
      "Explain in two sentences why a load test should measure latency from the moment each"
          + " request was scheduled to start.";

  enum Kind {
    OPENAI("openai"),
    ANTHROPIC("anthropic"),
    DIFY_CHAT("dify-chat"),
    DIFY_WORKFLOW("dify-workflow"),
    MIXED("mixed"),
    /** The sample service's {@code POST /ask}, for the demo. */
    SERVICE("service");

    final String label;

    Kind(String label) {
      this.label = label;
    }

    static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.label.equals(s.toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "--scenario must be openai, anthropic, dify-chat, dify-workflow, mixed or service: " + s);
    }
  }

  /** One request shape: method, path, headers and body, plus what it costs per token. */
  record Template(
      String name,
      String path,
      String model,
      boolean stream,
      byte[] body,
      List<String> headers,
      Prices.Price price) {

    /** The whole HTTP/1.1 request, ready to write. */
    byte[] http11(Target target) {
      StringBuilder sb = new StringBuilder(256);
      sb.append("POST ").append(path).append(" HTTP/1.1\r\n");
      sb.append("Host: ").append(target.hostHeader()).append("\r\n");
      sb.append("User-Agent: tollgate-loadgen/0.1\r\n");
      sb.append("Accept: ")
          .append(stream ? "text/event-stream" : "application/json")
          .append("\r\n");
      sb.append("Content-Type: application/json\r\n");
      for (int i = 0; i + 1 < headers.size(); i += 2) {
        sb.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
      }
      sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
      byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
      byte[] all = new byte[head.length + body.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(body, 0, all, head.length, body.length);
      return all;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The templates, cycled request by request; mixed repeats openai for a 2:1:1:1 mix. */
  static List<Template> templates(Options o, Target t) {
    List<Template> list = new ArrayList<>();
    switch (o.scenario) {
      case OPENAI -> list.add(openai(o, t));
      case ANTHROPIC -> list.add(anthropic(o, t));
      case DIFY_CHAT -> list.add(difyChat(o, t));
      case DIFY_WORKFLOW -> list.add(difyWorkflow(o, t));
      case SERVICE -> list.add(service(o, t));
      case MIXED -> {
        Template openai = openai(o, t);
        list.add(openai);
        list.add(anthropic(o, t));
        list.add(openai);
        list.add(difyChat(o, t));
        list.add(difyWorkflow(o, t));
      }
    }
    return list;
  }

  private static Template openai(Options o, Target t) {
    String model = o.model != null ? o.model : "gpt-4o-mini";
    ObjectNode b = JSON.createObjectNode();
    b.put("model", model);
    var messages = b.putArray("messages");
    messages.addObject().put("role", "system").put("content", "You are a concise assistant.");
    messages.addObject().put("role", "user").put("content", o.prompt);
    if (o.maxTokens > 0) {
      b.put("max_tokens", o.maxTokens);
    }
    if (o.stream) {
      b.put("stream", true);
      b.putObject("stream_options").put("include_usage", true);
    }
    return make(
        "openai",
        path(o, t, t.apiPath("/chat/completions")),
        model,
        o,
        b,
        headers(o, "Authorization", "Bearer " + o.apiKey));
  }

  private static Template anthropic(Options o, Target t) {
    String model = o.model != null ? o.model : "claude-haiku-4-5";
    ObjectNode b = JSON.createObjectNode();
    b.put("model", model);
    b.put("max_tokens", o.maxTokens > 0 ? o.maxTokens : 1024);
    b.putArray("messages").addObject().put("role", "user").put("content", o.prompt);
    if (o.stream) {
      b.put("stream", true);
    }
    return make(
        "anthropic",
        path(o, t, t.apiPath("/messages")),
        model,
        o,
        b,
        headers(o, "x-api-key", o.apiKey, "anthropic-version", "2023-06-01"));
  }

  /** Dify apps choose their model on the server; {@code --model} only prices the tokens. */
  private static Template difyChat(Options o, Target t) {
    ObjectNode b = JSON.createObjectNode();
    b.putObject("inputs");
    b.put("query", o.prompt);
    b.put("response_mode", o.stream ? "streaming" : "blocking");
    b.put("conversation_id", "");
    b.put("user", "tollgate-loadgen");
    return make(
        "dify-chat",
        path(o, t, t.apiPath("/chat-messages")),
        o.model,
        o,
        b,
        headers(o, "Authorization", "Bearer " + o.apiKey));
  }

  private static Template difyWorkflow(Options o, Target t) {
    ObjectNode b = JSON.createObjectNode();
    b.putObject("inputs").put("query", o.prompt);
    b.put("response_mode", o.stream ? "streaming" : "blocking");
    b.put("user", "tollgate-loadgen");
    return make(
        "dify-workflow",
        path(o, t, t.apiPath("/workflows/run")),
        o.model,
        o,
        b,
        headers(o, "Authorization", "Bearer " + o.apiKey));
  }

  private static Template service(Options o, Target t) {
    String model = o.model != null ? o.model : "gpt-4o-mini";
    ObjectNode b = JSON.createObjectNode();
    b.put("question", o.prompt);
    b.put("model", model);
    String p = o.path != null ? o.path : t.plainPath("/ask") + (o.stream ? "?stream=true" : "");
    return make("service", p, model, o, b, headers(o));
  }

  private static String path(Options o, Target t, String scenarioPath) {
    return o.path != null ? o.path : scenarioPath;
  }

  private static List<String> headers(Options o, String... scenarioHeaders) {
    List<String> h = new ArrayList<>(List.of(scenarioHeaders));
    for (String extra : o.headers) {
      int colon = extra.indexOf(':');
      h.add(extra.substring(0, colon).trim());
      h.add(extra.substring(colon + 1).trim());
    }
    return h;
  }

  private static Template make(
      String name, String path, String model, Options o, ObjectNode body, List<String> headers) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new Template(
        name,
        path,
        model,
        o.stream,
        bytes,
        List.copyOf(headers),
        Prices.resolve(model, o.priceInput, o.priceOutput));
  }
}
