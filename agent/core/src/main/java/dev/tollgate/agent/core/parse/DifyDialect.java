package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Dify's service API: chat, agent-chat and chatflow apps ({@code /chat-messages}), completion apps
 * ({@code /completion-messages}) and workflows ({@code /workflows/run}). Streams carry the event
 * type inside the JSON ({@code data: {"event": "message", ...}}); {@code event: ping} blocks have
 * no data. Older Dify writes {@code json.dumps} output (spaced separators, {@code \\uXXXX}
 * escapes), newer compact UTF-8: both are plain JSON to Jackson.
 *
 * <ul>
 *   <li>Chat apps: {@code message}/{@code agent_message} text; {@code agent_thought} is not a
 *       token. {@code message_end} carries {@code metadata.usage} with the price as a decimal
 *       string and a currency (USD or RMB); it ends the stream, though TTS events may follow.
 *   <li>A chatflow repeats usage in {@code node_finished}, {@code workflow_finished} and {@code
 *       message_end}: {@code message_end} comes last and wins (pitfall 17).
 *   <li>Workflows report only {@code data.total_tokens} for the run. The input/output split is
 *       summed from the LLM nodes' usage in {@code node_finished}, and used only when it adds up to
 *       the run's total; prices there are numbers, summed exactly.
 *   <li>An {@code error} event inside the 200 stream (e.g. {@code completion_request_error}
 *       wrapping an upstream 429) ends the stream.
 * </ul>
 *
 * <p>First chunk: the first non-empty {@code answer}, or for workflows the first {@code
 * text_chunk}; never {@code workflow_*}/{@code node_*} events. Dify's own {@code
 * time_to_first_token} is measured on its server, not here.
 */
final class DifyDialect extends Dialect {
  private static final String[] TAIL_KEYS = {"usage", "total_tokens"};

  private static final byte[] EVENT = Skim.key("event");
  private static final byte[] MESSAGE = Skim.bytes("message");
  private static final byte[] AGENT_MESSAGE = Skim.bytes("agent_message");
  private static final byte[] TEXT_CHUNK = Skim.bytes("text_chunk");
  private static final byte[] TTS_MESSAGE = Skim.bytes("tts_message");

  private final boolean workflowApp;

  // Run-level sums over node_finished events.
  private long nodePrompt;
  private long nodeCompletion;
  private int nodesWithUsage;
  private boolean nodeUsageBroken;
  private String nodeModel;
  private boolean nodeModelsDiffer;
  private BigDecimal nodePrice;
  private String nodeCurrency;
  private boolean nodePriceBroken;

  // The value being read.
  private String event;
  private boolean content;
  private String messageId;
  private String runId;
  private String code;
  private final Usage usage = new Usage();
  private boolean hasData;
  private String dataStatus;
  private long dataTotalTokens;
  private String nodeType;
  private final Usage nodeUsage = new Usage();
  private String modelName;
  private String metaPrice;
  private String metaCurrency;

  /** One Dify usage object (LLMUsage). */
  private static final class Usage {
    boolean present;
    long prompt;
    long completion;
    long total;
    String price;
    String currency;
    double latency;

    void reset() {
      present = false;
      prompt = LlmCall.UNKNOWN;
      completion = LlmCall.UNKNOWN;
      total = LlmCall.UNKNOWN;
      price = null;
      currency = null;
      latency = Double.NaN;
    }

    void read(JsonParser p) throws IOException {
      if (!Json.isObject(p)) {
        return;
      }
      present = true;
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "prompt_tokens":
            prompt = Json.count(p);
            break;
          case "completion_tokens":
            completion = Json.count(p);
            break;
          case "total_tokens":
            total = Json.count(p);
            break;
          case "total_price":
            price = Json.nonEmptyText(p);
            if (price == null && p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
              price = p.getText();
            }
            break;
          case "currency":
            currency = Json.text(p);
            break;
          case "latency":
            if (p.currentToken().isNumeric()) {
              latency = p.getDoubleValue();
            } else {
              p.skipChildren();
            }
            break;
          default:
            p.skipChildren();
        }
      }
    }
  }

  DifyDialect(LlmCall call, NanoClock clock, boolean workflowApp) {
    super(call, clock);
    this.workflowApp = workflowApp;
  }

  /**
   * Answer events after the first chunk (once the message id is known) and text-to-speech audio
   * carry no tokens: usage comes in {@code message_end}, {@code node_finished} and {@code
   * workflow_finished}. Dify writes {@code "event"} as the first member; an event that does not is
   * parsed whole.
   */
  @Override
  boolean skippable(byte[] data, int offset, int end, String sseEvent) {
    int e = Skim.firstMemberString(data, offset, end, EVENT);
    if (e < 0) {
      return false;
    }
    if (Skim.stringIs(data, e, end, TTS_MESSAGE)) {
      return true;
    }
    if (!pastFirstChunk()) {
      return false;
    }
    return Skim.stringIs(data, e, end, TEXT_CHUNK)
        || (call.responseId != null
            && (Skim.stringIs(data, e, end, MESSAGE) || Skim.stringIs(data, e, end, AGENT_MESSAGE)));
  }

  @Override
  void begin(String sseEvent) {
    event = sseEvent;
    content = false;
    messageId = null;
    runId = null;
    code = null;
    usage.reset();
    hasData = false;
    dataStatus = null;
    dataTotalTokens = LlmCall.UNKNOWN;
    nodeType = null;
    nodeUsage.reset();
    modelName = null;
    metaPrice = null;
    metaCurrency = null;
  }

  @Override
  void field(String name, JsonParser p) throws IOException {
    switch (name) {
      case "event":
        String e = Json.text(p);
        if (e != null) {
          event = e;
        }
        break;
      case "answer":
        if (wantsFirstChunk()) {
          content = Json.hasContent(p);
        } else {
          p.skipChildren();
        }
        break;
      case "message_id":
        messageId = Json.text(p);
        break;
      case "id":
        if (messageId == null) {
          messageId = Json.text(p);
        } else {
          p.skipChildren();
        }
        break;
      case "workflow_run_id":
        runId = Json.text(p);
        break;
      case "code":
        code = Json.nonEmptyText(p);
        break;
      case "metadata":
        if (Json.isObject(p)) {
          String f;
          while ((f = Json.nextField(p)) != null) {
            if (f.equals("usage")) {
              usage.read(p);
            } else {
              p.skipChildren(); // retriever_resources
            }
          }
        }
        break;
      case "data":
        data(p);
        break;
      // Salvage keys for a body too large to buffer (see tailKeys).
      case "usage":
        usage.read(p);
        break;
      case "total_tokens":
        hasData = true;
        dataTotalTokens = Json.count(p);
        break;
      default:
        p.skipChildren(); // task_id, conversation_id, audio, created_at, ...
    }
  }

  private void data(JsonParser p) throws IOException {
    if (!Json.isObject(p)) {
      return;
    }
    hasData = true;
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "status":
          dataStatus = Json.text(p);
          break;
        case "total_tokens":
          dataTotalTokens = Json.count(p);
          break;
        case "text": // text_chunk
          if (wantsFirstChunk()) {
            content = Json.hasContent(p);
          } else {
            p.skipChildren();
          }
          break;
        case "node_type":
          nodeType = Json.text(p);
          break;
        case "process_data":
        case "outputs":
          nodeDetails(p);
          break;
        case "execution_metadata":
          executionMetadata(p);
          break;
        default:
          p.skipChildren(); // inputs, error text, elapsed_time, ...
      }
    }
  }

  /** {@code process_data} / {@code outputs} of an LLM node: usage and the model's name. */
  private void nodeDetails(JsonParser p) throws IOException {
    if (!Json.isObject(p)) {
      return;
    }
    String f;
    while ((f = Json.nextField(p)) != null) {
      if (f.equals("usage") && !nodeUsage.present) {
        nodeUsage.read(p);
      } else if (f.equals("model_name")) {
        modelName = Json.text(p);
      } else {
        p.skipChildren();
      }
    }
  }

  private void executionMetadata(JsonParser p) throws IOException {
    if (!Json.isObject(p)) {
      return;
    }
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "total_price":
          JsonToken t = p.currentToken();
          metaPrice = t.isNumeric() || t == JsonToken.VALUE_STRING ? p.getText() : null;
          if (metaPrice == null) {
            p.skipChildren();
          }
          break;
        case "currency":
          metaCurrency = Json.text(p);
          break;
        default:
          p.skipChildren();
      }
    }
  }

  @Override
  void end() {
    String ev = event;
    if (ev == null) {
      // Blocking workflow: {"workflow_run_id", "task_id", "data": {...}}; or a salvaged body.
      if (hasData) {
        workflowFinished();
      }
      if (usage.present) {
        applyUsage(usage);
      }
      responseId(messageId != null ? messageId : runId);
      return;
    }
    switch (ev) {
      case "message":
      case "agent_message":
        if (content) {
          firstChunk();
        }
        if (usage.present) {
          applyUsage(usage); // a blocking chat or completion body
        }
        responseId(messageId);
        break;
      case "text_chunk":
        if (content) {
          firstChunk();
        }
        break;
      case "message_end":
        if (usage.present) {
          applyUsage(usage);
        }
        responseId(messageId);
        if (streaming && !workflowApp && !failed) {
          call.complete = true;
        }
        break;
      case "node_finished":
        nodeFinished();
        break;
      case "workflow_finished":
        workflowFinished();
        break;
      case "error":
        streamError(code);
        break;
      default:
        // workflow_started, node_started, agent_thought, message_file, message_replace,
        // tts_message(_end), iteration_*/loop_* events: neither tokens nor content.
        break;
    }
  }

  private void applyUsage(Usage u) {
    call.inputTokens = known(u.prompt, call.inputTokens);
    call.outputTokens = known(u.completion, call.outputTokens);
    call.totalTokens = known(u.total, call.totalTokens);
    if (u.price != null) {
      call.difyTotalPrice = u.price;
    }
    if (u.currency != null && !u.currency.isEmpty()) {
      call.difyCurrency = u.currency;
    }
    if (!Double.isNaN(u.latency)) {
      call.difyLatencySeconds = u.latency;
    }
  }

  private void nodeFinished() {
    boolean llmNode =
        "llm".equals(nodeType)
            || "question-classifier".equals(nodeType)
            || "parameter-extractor".equals(nodeType);
    if (llmNode && nodeUsage.present) {
      if (nodeUsage.prompt >= 0 && nodeUsage.completion >= 0) {
        nodePrompt += nodeUsage.prompt;
        nodeCompletion += nodeUsage.completion;
        nodesWithUsage++;
      } else {
        nodeUsageBroken = true;
      }
      if (modelName != null && !modelName.isEmpty()) {
        if (nodeModel == null) {
          nodeModel = modelName;
        } else if (!nodeModel.equals(modelName)) {
          nodeModelsDiffer = true;
        }
      }
    }
    if (metaPrice != null) {
      try {
        BigDecimal price = new BigDecimal(metaPrice.trim());
        nodePrice = nodePrice == null ? price : nodePrice.add(price);
        if (metaCurrency != null && !metaCurrency.isEmpty()) {
          if (nodeCurrency == null) {
            nodeCurrency = metaCurrency;
          } else if (!nodeCurrency.equals(metaCurrency)) {
            nodePriceBroken = true; // a sum across currencies means nothing
          }
        }
      } catch (NumberFormatException ex) {
        nodePriceBroken = true;
      }
    }
  }

  private void workflowFinished() {
    call.totalTokens = known(dataTotalTokens, call.totalTokens);
    if (nodesWithUsage > 0
        && !nodeUsageBroken
        && dataTotalTokens >= 0
        && nodePrompt + nodeCompletion == dataTotalTokens) {
      call.inputTokens = nodePrompt;
      call.outputTokens = nodeCompletion;
    }
    if (nodePrice != null && !nodePriceBroken) {
      call.difyTotalPrice = nodePrice.toPlainString();
      if (nodeCurrency != null) {
        call.difyCurrency = nodeCurrency;
      }
    }
    if (nodeModel != null && !nodeModelsDiffer && call.responseModel == null) {
      call.responseModel = nodeModel;
    }
    responseId(runId);
    if ("failed".equals(dataStatus) || "stopped".equals(dataStatus)) {
      streamError("workflow_" + dataStatus);
    } else if (streaming && workflowApp && !failed) {
      call.complete = true;
    }
  }

  @Override
  String[] tailKeys() {
    return TAIL_KEYS;
  }
}
