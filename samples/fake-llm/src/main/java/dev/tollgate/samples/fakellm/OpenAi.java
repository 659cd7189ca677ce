package dev.tollgate.samples.fakellm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.samples.fakellm.Reply.Sse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** OpenAI wire formats: Chat Completions, Responses and Embeddings, blocking and streaming. */
final class OpenAi {
  private OpenAi() {}

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final String FINGERPRINT = "fp_fake0llm01";

  // ---- Chat Completions ----

  static Reply chat(Ask ask, Usage u, Timing t, long nowSeconds) {
    String id = Ids.alnum("chatcmpl-", 29);
    String finish = u.truncated() ? "length" : "stop";
    if (!ask.stream()) {
      // The hottest shape in throughput runs, so written by hand rather than through a tree.
      StringBuilder sb = new StringBuilder(640 + 8 * u.visible());
      sb.append("{\"id\":\"").append(id);
      sb.append("\",\"object\":\"chat.completion\",\"created\":").append(nowSeconds);
      Json.str(sb.append(",\"model\":"), ask.model());
      sb.append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
      sb.append(Text.answerJson(u.visible()));
      sb.append(",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"");
      sb.append(finish).append("\"}],\"usage\":{\"prompt_tokens\":").append(u.prompt());
      sb.append(",\"completion_tokens\":").append(u.completion());
      sb.append(",\"total_tokens\":").append(u.total());
      sb.append(",\"prompt_tokens_details\":{\"cached_tokens\":").append(u.cached());
      sb.append(",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":");
      sb.append(u.reasoning());
      sb.append(",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,");
      sb.append("\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\",");
      sb.append("\"system_fingerprint\":\"").append(FINGERPRINT).append("\"}");
      return new Reply(
          200,
          List.of(requestIdHeaders()),
          "application/json",
          Reply.utf8(sb.toString()),
          t.blockingMs(u),
          List.of());
    }
    // Chunks share everything but the delta, so they are assembled from two fixed halves.
    StringBuilder head = new StringBuilder(256);
    head.append("data: {\"id\":\"").append(id);
    head.append("\",\"object\":\"chat.completion.chunk\",\"created\":").append(nowSeconds);
    Json.str(head.append(",\"model\":"), ask.model());
    head.append(",\"service_tier\":\"default\",\"system_fingerprint\":\"").append(FINGERPRINT);
    head.append("\",\"choices\":[");
    String prefix = head.toString();
    String choice = "{\"index\":0,\"logprobs\":null,\"delta\":";
    String tail = ask.includeUsage() ? ",\"usage\":null}\n\n" : "}\n\n";
    List<Sse> events = new ArrayList<>(u.visible() + 4);
    events.add(
        new Sse(
            t.firstTokenMs(u),
            prefix
                + choice
                + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"finish_reason\":null}]"
                + tail));
    StringBuilder sb = new StringBuilder(320);
    for (int i = 0; i < u.visible(); i++) {
      sb.setLength(0);
      sb.append(prefix).append(choice).append("{\"content\":");
      Json.str(sb, Text.token(i)).append("},\"finish_reason\":null}]").append(tail);
      events.add(new Sse(i == 0 ? 0 : t.perTokenMs(), sb.toString()));
    }
    events.add(new Sse(0, prefix + choice + "{},\"finish_reason\":\"" + finish + "\"}]" + tail));
    if (ask.includeUsage()) {
      // Only this chunk has a non-null usage, and its choices are empty.
      events.add(new Sse(0, prefix + "],\"usage\":" + Reply.write(chatUsage(u)) + "}\n\n"));
    }
    events.add(new Sse(0, "data: [DONE]\n\n"));
    return Reply.sse(events, requestIdHeaders());
  }

  static ObjectNode chatUsage(Usage u) {
    ObjectNode usage = F.objectNode();
    usage.put("prompt_tokens", u.prompt());
    usage.put("completion_tokens", u.completion());
    usage.put("total_tokens", u.total());
    ObjectNode pd = usage.putObject("prompt_tokens_details");
    pd.put("cached_tokens", u.cached());
    pd.put("audio_tokens", 0);
    ObjectNode cd = usage.putObject("completion_tokens_details");
    cd.put("reasoning_tokens", u.reasoning());
    cd.put("audio_tokens", 0);
    cd.put("accepted_prediction_tokens", 0);
    cd.put("rejected_prediction_tokens", 0);
    return usage;
  }

  // ---- Responses ----

  static Reply responses(Ask ask, Usage u, Timing t, long nowSeconds) {
    String id = Ids.hex("resp_", 48);
    String msgId = Ids.hex("msg_", 48);
    String text = Text.answer(u.visible());
    if (!ask.stream()) {
      return Reply.json(200, t.blockingMs(u), response(id, msgId, ask, u, nowSeconds, text, true));
    }
    List<Sse> events = new ArrayList<>(u.visible() + 9);
    int[] seq = {0};
    ObjectNode created = event("response.created", seq);
    created.set("response", response(id, msgId, ask, u, nowSeconds, text, false));
    events.add(Sse.event(0, "response.created", created));
    ObjectNode inProgress = event("response.in_progress", seq);
    inProgress.set("response", response(id, msgId, ask, u, nowSeconds, text, false));
    events.add(Sse.event(0, "response.in_progress", inProgress));
    ObjectNode added = event("response.output_item.added", seq);
    added.put("output_index", 0);
    added.set("item", message(msgId, null));
    events.add(Sse.event(0, "response.output_item.added", added));
    ObjectNode partAdded = event("response.content_part.added", seq);
    partAdded.put("item_id", msgId);
    partAdded.put("output_index", 0);
    partAdded.put("content_index", 0);
    partAdded.set("part", outputText(""));
    events.add(Sse.event(0, "response.content_part.added", partAdded));
    for (int i = 0; i < u.visible(); i++) {
      ObjectNode d = event("response.output_text.delta", seq);
      d.put("item_id", msgId);
      d.put("output_index", 0);
      d.put("content_index", 0);
      d.put("delta", Text.token(i));
      d.putArray("logprobs");
      events.add(
          Sse.event(i == 0 ? t.firstTokenMs(u) : t.perTokenMs(), "response.output_text.delta", d));
    }
    ObjectNode textDone = event("response.output_text.done", seq);
    textDone.put("item_id", msgId);
    textDone.put("output_index", 0);
    textDone.put("content_index", 0);
    textDone.put("text", text);
    textDone.putArray("logprobs");
    events.add(Sse.event(0, "response.output_text.done", textDone));
    ObjectNode partDone = event("response.content_part.done", seq);
    partDone.put("item_id", msgId);
    partDone.put("output_index", 0);
    partDone.put("content_index", 0);
    partDone.set("part", outputText(text));
    events.add(Sse.event(0, "response.content_part.done", partDone));
    ObjectNode itemDone = event("response.output_item.done", seq);
    itemDone.put("output_index", 0);
    itemDone.set("item", message(msgId, text));
    events.add(Sse.event(0, "response.output_item.done", itemDone));
    // No [DONE] in this API: response.completed, with the usage, is the end.
    ObjectNode completed = event("response.completed", seq);
    completed.set("response", response(id, msgId, ask, u, nowSeconds, text, true));
    events.add(Sse.event(0, "response.completed", completed));
    return Reply.sse(events, requestIdHeaders());
  }

  private static ObjectNode event(String type, int[] seq) {
    ObjectNode e = F.objectNode();
    e.put("type", type);
    e.put("sequence_number", seq[0]++);
    return e;
  }

  private static ObjectNode response(
      String id, String msgId, Ask ask, Usage u, long now, String text, boolean done) {
    ObjectNode r = F.objectNode();
    r.put("id", id);
    r.put("object", "response");
    r.put("created_at", now);
    r.put("status", done ? "completed" : "in_progress");
    r.put("background", false);
    r.putNull("error");
    r.putNull("incomplete_details");
    r.set(
        "instructions",
        ask.body().path("instructions").isTextual()
            ? ask.body().get("instructions")
            : F.nullNode());
    if (ask.maxTokens() == Ask.NO_LIMIT) {
      r.putNull("max_output_tokens");
    } else {
      r.put("max_output_tokens", ask.maxTokens());
    }
    r.put("model", ask.model());
    ArrayNode output = r.putArray("output");
    if (done) {
      output.add(message(msgId, text));
    }
    r.put("parallel_tool_calls", true);
    r.putNull("previous_response_id");
    ObjectNode reasoning = r.putObject("reasoning");
    reasoning.putNull("effort");
    reasoning.putNull("summary");
    r.put("service_tier", "default");
    r.put("store", true);
    r.put("temperature", 1.0);
    r.putObject("text").putObject("format").put("type", "text");
    r.put("tool_choice", "auto");
    r.putArray("tools");
    r.put("top_p", 1.0);
    r.put("truncation", "disabled");
    if (done) {
      ObjectNode usage = r.putObject("usage");
      usage.put("input_tokens", u.prompt());
      usage.putObject("input_tokens_details").put("cached_tokens", u.cached());
      usage.put("output_tokens", u.completion());
      usage.putObject("output_tokens_details").put("reasoning_tokens", u.reasoning());
      usage.put("total_tokens", u.total());
    } else {
      r.putNull("usage");
    }
    r.putNull("user");
    r.putObject("metadata");
    return r;
  }

  private static ObjectNode message(String msgId, String text) {
    ObjectNode m = F.objectNode();
    m.put("id", msgId);
    m.put("type", "message");
    m.put("status", text == null ? "in_progress" : "completed");
    ArrayNode content = m.putArray("content");
    if (text != null) {
      content.add(outputText(text));
    }
    m.put("role", "assistant");
    return m;
  }

  private static ObjectNode outputText(String text) {
    ObjectNode p = F.objectNode();
    p.put("type", "output_text");
    p.putArray("annotations");
    p.putArray("logprobs");
    p.put("text", text);
    return p;
  }

  // ---- Embeddings ----

  /** Deterministic unit vectors; {@code dimensions} defaults to 64 to keep bodies small. */
  static Reply embeddings(Ask ask, Usage u, Timing t) {
    int dims = ask.body().path("dimensions").asInt(64);
    if (dims < 1 || dims > 4096) {
      dims = 64;
    }
    boolean base64 = "base64".equals(ask.body().path("encoding_format").asText("float"));
    List<String> inputs = new ArrayList<>();
    var in = ask.body().get("input");
    if (in != null && in.isArray()) {
      in.forEach(e -> inputs.add(e.toString()));
    } else {
      inputs.add(in == null ? "" : in.asText());
    }
    ObjectNode o = F.objectNode();
    o.put("object", "list");
    ArrayNode data = o.putArray("data");
    for (int i = 0; i < inputs.size(); i++) {
      float[] v = vector(inputs.get(i), dims);
      ObjectNode e = data.addObject();
      e.put("object", "embedding");
      e.put("index", i);
      if (base64) {
        ByteBuffer b = ByteBuffer.allocate(dims * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
          b.putFloat(f);
        }
        e.put("embedding", Base64.getEncoder().encodeToString(b.array()));
      } else {
        ArrayNode arr = e.putArray("embedding");
        for (float f : v) {
          arr.add(f);
        }
      }
    }
    o.put("model", ask.model());
    ObjectNode usage = o.putObject("usage");
    usage.put("prompt_tokens", u.prompt());
    usage.put("total_tokens", u.prompt());
    return Reply.json(200, t.prefillMs(), o, requestIdHeaders());
  }

  static float[] vector(String text, int dims) {
    long seed = text.hashCode() * 0x9E3779B97F4A7C15L;
    float[] v = new float[dims];
    double norm = 0;
    for (int i = 0; i < dims; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 7;
      seed ^= seed << 17;
      v[i] = (float) ((seed >>> 11) * 0x1.0p-53 * 2 - 1);
      norm += v[i] * v[i];
    }
    float inv = (float) (1 / Math.sqrt(norm == 0 ? 1 : norm));
    for (int i = 0; i < dims; i++) {
      v[i] *= inv;
    }
    return v;
  }

  // ---- Errors ----

  static Reply rateLimited(String model, int retryAfterSeconds) {
    ObjectNode o = F.objectNode();
    ObjectNode e = o.putObject("error");
    e.put(
        "message",
        "Rate limit reached for "
            + model
            + " in organization org-fake on requests per min (RPM): Limit 10000, Used 10000,"
            + " Requested 1. Please try again in "
            + retryAfterSeconds
            + "s. Visit https://platform.openai.com/account/rate-limits to learn more.");
    e.put("type", "requests");
    e.putNull("param");
    e.put("code", "rate_limit_exceeded");
    List<String> h = new ArrayList<>(List.of(requestIdHeaders()));
    if (retryAfterSeconds > 0) {
      h.add("retry-after");
      h.add(Integer.toString(retryAfterSeconds));
    }
    h.addAll(
        List.of(
            "x-ratelimit-limit-requests", "10000",
            "x-ratelimit-remaining-requests", "0",
            "x-ratelimit-reset-requests", retryAfterSeconds + "s"));
    return Reply.json(429, 0, o, h.toArray(String[]::new));
  }

  static Reply serverError(int status) {
    ObjectNode o = F.objectNode();
    ObjectNode e = o.putObject("error");
    e.put(
        "message",
        status == 503
            ? "The server is overloaded or not ready yet."
            : "The server had an error while processing your request. Sorry about that!");
    e.put("type", "server_error");
    e.putNull("param");
    e.putNull("code");
    return Reply.json(status, 0, o, requestIdHeaders());
  }

  static Reply badRequest(String message) {
    ObjectNode o = F.objectNode();
    ObjectNode e = o.putObject("error");
    e.put("message", message);
    e.put("type", "invalid_request_error");
    e.putNull("param");
    e.putNull("code");
    return Reply.json(400, 0, o, requestIdHeaders());
  }

  private static String[] requestIdHeaders() {
    return new String[] {"x-request-id", Ids.hex("req_", 32)};
  }
}
