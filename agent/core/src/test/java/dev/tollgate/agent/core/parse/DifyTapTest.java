package dev.tollgate.agent.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.call.Provider;
import dev.tollgate.conventions.Tollgate.ErrorTypes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DifyTapTest {
  private static final String CHAT = "https://api.dify.ai/v1/chat-messages";
  private static final String WORKFLOW = "https://api.dify.ai/v1/workflows/run";

  @Test
  @DisplayName("pitfalls 6, 7, 16: message events, ping without data, message_end, TTS after it")
  void chatStream() {
    TapRun t = TapRun.of(CHAT).sse().stream().fixture("dify/chat-stream.sse");
    LlmCall c = t.run();
    assertThat(c.route.provider).isEqualTo(Provider.DIFY);
    assertThat(c.route.operation).isEqualTo("chat");
    assertThat(c.inputTokens).isEqualTo(1033);
    assertThat(c.outputTokens).isEqualTo(135);
    assertThat(c.totalTokens).isEqualTo(1168);
    assertThat(c.difyTotalPrice).as("as the decimal string Dify sent").isEqualTo("0.0013030");
    assertThat(c.difyCurrency).isEqualTo("USD");
    assertThat(c.difyLatencySeconds).isEqualTo(1.381760165997548);
    assertThat(c.responseId).isEqualTo("663c5084-a254-4040-8ad3-51f2a3c1a77c");
    assertThat(c.responseModel).isNull();
    assertThat(c.complete).as("TTS events after message_end are not truncation").isTrue();
    assertThat(c.errorType).isNull();
    t.assertFirstChunkAt(c, "\"answer\":\"Hi\"");
  }

  @Test
  @DisplayName("pitfall 16: older Dify: spaced JSON, \\u escapes, RMB")
  void olderDifyRmb() {
    TapRun t = TapRun.of(CHAT).sse().stream().fixture("dify/chat-stream-old-rmb.sse");
    LlmCall c = t.run();
    assertThat(new String(t.bodyBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"answer\": \"\\u4f60\\u597d\"");
    assertThat(c.inputTokens).isEqualTo(19);
    assertThat(c.outputTokens).isEqualTo(9);
    assertThat(c.difyTotalPrice).isEqualTo("0.0000332");
    assertThat(c.difyCurrency).isEqualTo("RMB");
    assertThat(c.complete).isTrue();
    t.assertFirstChunkAt(c, "\\u4f60\\u597d");
  }

  @Test
  @DisplayName("pitfall 10: Dify error event in a 200 stream wrapping an upstream 429")
  void errorEvent() {
    LlmCall c = TapRun.of(CHAT).sse().stream().fixture("dify/chat-stream-error.sse").run();
    assertThat(c.errorType).isEqualTo(ErrorTypes.STREAM_ERROR_EVENT);
    assertThat(c.errorCode).isEqualTo("completion_request_error");
    assertThat(c.firstChunkNanos).as("the empty first answer is not content").isZero();
    assertThat(c.complete).isFalse();
    assertThat(c.unmetered()).isTrue();
  }

  @Test
  void truncatedBeforeMessageEnd() {
    LlmCall c = TapRun.of(CHAT).sse().stream().fixture("dify/chat-stream-truncated.sse").run();
    assertThat(c.errorType).isEqualTo(ErrorTypes.STREAM_TRUNCATED);
    assertThat(c.firstChunkNanos).isNotZero();
    assertThat(c.unmetered()).isTrue();
  }

  @Test
  @DisplayName("pitfall 17: agent_message is content, agent_thought is not")
  void agentChat() {
    TapRun t = TapRun.of(CHAT).sse().stream().fixture("dify/agent-chat-stream.sse");
    LlmCall c = t.run();
    assertThat(c.inputTokens).isEqualTo(1312);
    assertThat(c.outputTokens).isEqualTo(48);
    assertThat(c.difyTotalPrice).isEqualTo("0.0037600");
    assertThat(c.complete).isTrue();
    t.assertFirstChunkAt(c, "I have created\"");
  }

  @Test
  @DisplayName("pitfalls 17, 18: chatflow repeats usage; message_end wins; node events not content")
  void chatflow() {
    TapRun t = TapRun.of(CHAT).sse().stream().fixture("dify/chatflow-stream.sse");
    LlmCall c = t.run();
    assertThat(c.inputTokens).isEqualTo(1033);
    assertThat(c.outputTokens).isEqualTo(135);
    assertThat(c.totalTokens).isEqualTo(1168);
    assertThat(c.difyTotalPrice)
        .as("message_end's string, not the node's number")
        .isEqualTo("0.0013030");
    assertThat(c.difyCurrency).isEqualTo("USD");
    assertThat(c.responseModel).as("the LLM node's model").isEqualTo("gpt-4o-mini");
    assertThat(c.complete).isTrue();
    t.assertFirstChunkAt(c, "\"answer\":\"Dify is\"");
  }

  @Test
  @DisplayName("pitfalls 14, 16, 17, 18: workflow run total, split summed from LLM nodes")
  void workflowStream() {
    TapRun t = TapRun.of(WORKFLOW).sse().stream().fixture("dify/workflow-stream.sse");
    LlmCall c = t.run();
    assertThat(c.route.operation).isEqualTo("invoke_workflow");
    assertThat(c.totalTokens).isEqualTo(445);
    assertThat(c.inputTokens).isEqualTo(120 + 200);
    assertThat(c.outputTokens).isEqualTo(45 + 80);
    assertThat(c.difyTotalPrice)
        .as("node prices are numbers, summed exactly")
        .isEqualTo("0.000123");
    assertThat(c.difyCurrency).isEqualTo("USD");
    assertThat(c.responseModel).isEqualTo("gpt-4o-mini");
    assertThat(c.responseId).isEqualTo("5ad498f0-c7a4-4085-b384-88cbe6290aa1");
    assertThat(c.complete).isTrue();
    // workflow_started / node_* and the empty text_chunk are not content; old-style spacing is.
    t.assertFirstChunkAt(c, "\\u5f88\\u9ad8\\u5174");
  }

  @Test
  void workflowFailed() {
    LlmCall c = TapRun.of(WORKFLOW).sse().stream().fixture("dify/workflow-stream-failed.sse").run();
    assertThat(c.errorType).isEqualTo(ErrorTypes.STREAM_ERROR_EVENT);
    assertThat(c.errorCode).isEqualTo("workflow_failed");
    assertThat(c.complete).isFalse();
    assertThat(c.firstChunkNanos).isZero();
  }

  @Test
  void chatBlocking() {
    LlmCall c = TapRun.of(CHAT).json().fixture("dify/chat-blocking.json").run();
    assertThat(c.inputTokens).isEqualTo(1033);
    assertThat(c.outputTokens).isEqualTo(128);
    assertThat(c.difyTotalPrice).isEqualTo("0.0012890");
    assertThat(c.difyCurrency).isEqualTo("USD");
    assertThat(c.responseId).isEqualTo("9da23599-e713-473b-982c-4328d4f5c78a");
    assertThat(c.firstChunkNanos).isZero();
    assertThat(c.complete).isTrue();
  }

  @Test
  @DisplayName("pitfall 4, 17: a blocking workflow reports only a total")
  void workflowBlocking() {
    LlmCall c = TapRun.of(WORKFLOW).json().fixture("dify/workflow-blocking.json").run();
    assertThat(c.totalTokens).isEqualTo(3562);
    assertThat(c.inputTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.outputTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.responseId).isEqualTo("djflajgkldjgd");
    assertThat(c.errorType).isNull();
    assertThat(c.complete).isTrue();
  }

  @Test
  @DisplayName("pitfall 13: Dify error body {code, message, status}")
  void errorBody() {
    LlmCall c = TapRun.of(CHAT).status(400).json().stream().fixture("dify/error-400.json").run();
    assertThat(c.errorCode).isEqualTo("provider_quota_exceeded");
  }
}
