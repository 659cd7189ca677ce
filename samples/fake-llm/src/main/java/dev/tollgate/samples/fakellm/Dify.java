package dev.tollgate.samples.fakellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.samples.fakellm.Reply.Sse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Dify service API: chat-messages, completion-messages and workflows/run, blocking and streaming.
 * Streams use bare {@code data:} lines with the event name inside the JSON, start with an {@code
 * event: ping} block that has no data line, and prices in {@code metadata.usage} are strings.
 */
final class Dify {
  private Dify() {}

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Unit prices in USD per token, as Dify shows them: unit price times price unit. */
  record Price(String unit, String priceUnit) {
    BigDecimal of(int tokens) {
      return new BigDecimal(unit)
          .multiply(new BigDecimal(priceUnit))
          .multiply(BigDecimal.valueOf(tokens))
          .setScale(7, RoundingMode.HALF_UP);
    }
  }

  static Price[] prices(String model) {
    String m = model.toLowerCase(java.util.Locale.ROOT);
    if (m.startsWith("gpt-4o-mini")) {
      return new Price[] {new Price("0.15", "0.000001"), new Price("0.6", "0.000001")};
    }
    if (m.startsWith("gpt-4o")) {
      return new Price[] {new Price("2.5", "0.000001"), new Price("10", "0.000001")};
    }
    return new Price[] {new Price("1", "0.000001"), new Price("2", "0.000001")};
  }

  static ObjectNode usage(String model, Usage u, Timing t) {
    Price[] p = prices(model);
    BigDecimal in = p[0].of(u.prompt());
    BigDecimal out = p[1].of(u.completion());
    ObjectNode o = F.objectNode();
    o.put("prompt_tokens", u.prompt());
    o.put("prompt_unit_price", p[0].unit());
    o.put("prompt_price_unit", p[0].priceUnit());
    o.put("prompt_price", in.toPlainString());
    o.put("completion_tokens", u.completion());
    o.put("completion_unit_price", p[1].unit());
    o.put("completion_price_unit", p[1].priceUnit());
    o.put("completion_price", out.toPlainString());
    o.put("total_tokens", u.total());
    o.put("total_price", in.add(out).toPlainString());
    o.put("currency", "USD");
    o.put("latency", t.blockingMs(u) / 1000.0);
    o.put("time_to_first_token", t.firstTokenMs(u) / 1000.0);
    o.put("time_to_generate", (t.blockingMs(u) - t.firstTokenMs(u)) / 1000.0);
    return o;
  }

  static double totalPrice(String model, Usage u) {
    Price[] p = prices(model);
    return p[0].of(u.prompt()).add(p[1].of(u.completion())).doubleValue();
  }

  // ---- chat-messages and completion-messages ----

  static Reply message(Ask ask, Usage u, Timing t, long now, boolean chat) {
    String taskId = Ids.uuid();
    String messageId = Ids.uuid();
    String conversationId = null;
    if (chat) {
      String given = ask.body().path("conversation_id").asText("");
      conversationId = given.isEmpty() ? Ids.uuid() : given;
    }
    ObjectNode metadata = F.objectNode();
    metadata.putNull("annotation_reply");
    metadata.putArray("retriever_resources");
    metadata.set("usage", usage(ask.model(), u, t));
    if (!ask.stream()) {
      ObjectNode o = F.objectNode();
      o.put("event", "message");
      o.put("task_id", taskId);
      o.put("id", messageId);
      o.put("message_id", messageId);
      if (chat) {
        o.put("conversation_id", conversationId);
      }
      o.put("mode", chat ? "chat" : "completion");
      o.put("answer", Text.answer(u.visible()));
      o.set("metadata", metadata);
      o.put("created_at", now);
      return Reply.json(200, t.blockingMs(u), o);
    }
    List<Sse> events = new ArrayList<>(u.visible() + 3);
    events.add(new Sse(0, "event: ping\n\n"));
    for (int i = 0; i < u.visible(); i++) {
      ObjectNode m = head("message", taskId, messageId, conversationId, now);
      m.put("answer", Text.token(i));
      m.putNull("from_variable_selector");
      events.add(Sse.data(i == 0 ? t.firstTokenMs(u) : t.perTokenMs(), m));
    }
    ObjectNode end = head("message_end", taskId, messageId, conversationId, now);
    end.set("metadata", metadata);
    end.putNull("files");
    events.add(Sse.data(0, end));
    // With text-to-speech on, Dify keeps talking after message_end.
    ObjectNode tts = head("tts_message_end", taskId, messageId, conversationId, now);
    tts.put("audio", "");
    events.add(Sse.data(0, tts));
    return Reply.sse(events);
  }

  private static ObjectNode head(
      String event, String taskId, String messageId, String conversationId, long now) {
    ObjectNode m = F.objectNode();
    m.put("event", event);
    if (conversationId != null) {
      m.put("conversation_id", conversationId);
    }
    m.put("message_id", messageId);
    m.put("created_at", now);
    m.put("task_id", taskId);
    m.put("id", messageId);
    return m;
  }

  // ---- workflows/run ----

  /**
   * A three-node workflow: start, one LLM node, end. Token totals come at run level; the input and
   * output split and prices only in the LLM node's {@code node_finished}.
   */
  static Reply workflow(Ask ask, Usage u, Timing t, long now) {
    String taskId = Ids.uuid();
    String runId = Ids.uuid();
    String workflowId = "7c3e33d4-2a8b-4e5f-9b1a-d3c6e8f12345";
    String text = Text.answer(u.visible());
    double elapsed = t.blockingMs(u) / 1000.0;
    long finished = now + Math.round(elapsed);
    JsonNode inputs =
        ask.body().path("inputs").isObject() ? ask.body().get("inputs") : F.objectNode();
    ObjectNode outputs = F.objectNode().put("text", text);
    if (!ask.stream()) {
      ObjectNode o = F.objectNode();
      o.put("task_id", taskId);
      o.put("workflow_run_id", runId);
      ObjectNode data = o.putObject("data");
      data.put("id", runId);
      data.put("workflow_id", workflowId);
      data.put("status", "succeeded");
      data.set("outputs", outputs);
      data.putNull("error");
      data.put("elapsed_time", elapsed);
      data.put("total_tokens", u.total());
      data.put("total_steps", 3);
      data.put("created_at", now);
      data.put("finished_at", finished);
      return Reply.json(200, t.blockingMs(u), o);
    }
    List<Sse> events = new ArrayList<>(u.visible() + 10);
    events.add(new Sse(0, "event: ping\n\n"));
    ObjectNode started = wfEvent("workflow_started", taskId, runId);
    ObjectNode sd = started.putObject("data");
    sd.put("id", runId);
    sd.put("workflow_id", workflowId);
    sd.put("sequence_number", 1);
    sd.set("inputs", inputs);
    sd.put("created_at", now);
    events.add(Sse.data(0, started));
    String startNode = "1700000000001";
    String llmNode = "1700000000002";
    String endNode = "1700000000003";
    events.add(
        Sse.data(0, nodeStarted(taskId, runId, startNode, "start", "Start", 1, null, inputs, now)));
    events.add(
        Sse.data(
            0,
            nodeFinished(
                taskId, runId, startNode, "start", "Start", 1, null, inputs, null, inputs, 0.01,
                null, now, now)));
    events.add(
        Sse.data(
            0,
            nodeStarted(taskId, runId, llmNode, "llm", "LLM", 2, startNode, F.objectNode(), now)));
    for (int i = 0; i < u.visible(); i++) {
      ObjectNode c = wfEvent("text_chunk", taskId, runId);
      ObjectNode cd = c.putObject("data");
      cd.put("text", Text.token(i));
      cd.putArray("from_variable_selector").add(llmNode).add("text");
      events.add(Sse.data(i == 0 ? t.firstTokenMs(u) : t.perTokenMs(), c));
    }
    ObjectNode usage = usage(ask.model(), u, t);
    ObjectNode process = F.objectNode();
    process.put("model_mode", "chat");
    ObjectNode prompt = process.putArray("prompts").addObject();
    prompt.put("role", "user");
    prompt.put("text", inputs.path("query").asText(""));
    prompt.putArray("files");
    process.set("usage", usage);
    process.put("finish_reason", "stop");
    process.put("model_provider", "langgenius/openai/openai");
    process.put("model_name", ask.model());
    ObjectNode llmOut = F.objectNode();
    llmOut.put("text", text);
    llmOut.set("usage", usage);
    llmOut.put("finish_reason", "stop");
    ObjectNode meta = F.objectNode();
    meta.put("total_tokens", u.total());
    meta.put("total_price", totalPrice(ask.model(), u));
    meta.put("currency", "USD");
    events.add(
        Sse.data(
            0,
            nodeFinished(
                taskId,
                runId,
                llmNode,
                "llm",
                "LLM",
                2,
                startNode,
                F.objectNode(),
                process,
                llmOut,
                elapsed,
                meta,
                now,
                finished)));
    events.add(
        Sse.data(
            0, nodeStarted(taskId, runId, endNode, "end", "End", 3, llmNode, outputs, finished)));
    events.add(
        Sse.data(
            0,
            nodeFinished(
                taskId, runId, endNode, "end", "End", 3, llmNode, outputs, null, outputs, 0.01,
                null, finished, finished)));
    ObjectNode done = wfEvent("workflow_finished", taskId, runId);
    ObjectNode dd = done.putObject("data");
    dd.put("id", runId);
    dd.put("workflow_id", workflowId);
    dd.put("sequence_number", 1);
    dd.put("status", "succeeded");
    dd.set("outputs", outputs);
    dd.putNull("error");
    dd.put("elapsed_time", elapsed);
    dd.put("total_tokens", u.total());
    dd.put("total_steps", 3);
    ObjectNode by = dd.putObject("created_by");
    by.put("id", Ids.uuid());
    by.put("user", ask.body().path("user").asText("abc-123"));
    dd.put("created_at", now);
    dd.put("finished_at", finished);
    dd.put("exceptions_count", 0);
    dd.putArray("files");
    events.add(Sse.data(0, done));
    return Reply.sse(events);
  }

  private static ObjectNode wfEvent(String event, String taskId, String runId) {
    ObjectNode e = F.objectNode();
    e.put("event", event);
    e.put("workflow_run_id", runId);
    e.put("task_id", taskId);
    return e;
  }

  private static ObjectNode nodeStarted(
      String taskId,
      String runId,
      String nodeId,
      String type,
      String title,
      int index,
      String predecessor,
      JsonNode inputs,
      long now) {
    ObjectNode e = wfEvent("node_started", taskId, runId);
    ObjectNode d = e.putObject("data");
    d.put("id", Ids.uuid());
    d.put("node_id", nodeId);
    d.put("node_type", type);
    d.put("title", title);
    d.put("index", index);
    d.put("predecessor_node_id", predecessor);
    d.set("inputs", inputs);
    d.put("created_at", now);
    d.putObject("extras");
    return e;
  }

  private static ObjectNode nodeFinished(
      String taskId,
      String runId,
      String nodeId,
      String type,
      String title,
      int index,
      String predecessor,
      JsonNode inputs,
      JsonNode process,
      JsonNode outputs,
      double elapsed,
      JsonNode meta,
      long created,
      long finished) {
    ObjectNode e = wfEvent("node_finished", taskId, runId);
    ObjectNode d = e.putObject("data");
    d.put("id", Ids.uuid());
    d.put("node_id", nodeId);
    d.put("node_type", type);
    d.put("title", title);
    d.put("index", index);
    d.put("predecessor_node_id", predecessor);
    d.set("inputs", inputs);
    d.set("process_data", process == null ? F.nullNode() : process);
    d.set("outputs", outputs);
    d.put("status", "succeeded");
    d.putNull("error");
    d.put("elapsed_time", elapsed);
    d.set("execution_metadata", meta == null ? F.nullNode() : meta);
    d.put("created_at", created);
    d.put("finished_at", finished);
    d.putArray("files");
    return e;
  }

  // ---- errors: a top-level {code, message, status}, and no retry information ----

  static Reply error(int status, String code, String message) {
    ObjectNode o = F.objectNode();
    o.put("code", code);
    o.put("message", message);
    o.put("status", status);
    return Reply.json(status, 0, o);
  }

  static Reply rateLimited() {
    return error(429, "too_many_requests", "Too many requests. Please try again later.");
  }

  static Reply serverError(int status) {
    return status == 503
        ? error(503, "service_unavailable", "Service temporarily unavailable.")
        : error(status, "internal_server_error", "The server encountered an internal error.");
  }
}
