package dev.tollgate.agent.core.detect;

import dev.tollgate.agent.core.call.Provider;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.call.Route.Api;
import dev.tollgate.conventions.GenAi;
import java.util.List;

/**
 * Decides whether an outgoing HTTP request is an LLM or Dify inference call, and which provider,
 * wire format and operation it is.
 *
 * <p>This runs for every outgoing request of the host service, so the miss path (a request that is
 * not an LLM call) does no allocation, no regex, no lowercasing and takes no lock: only {@link
 * String#regionMatches} and char comparisons over the arguments. Routes without a model in the path
 * are built once up front and shared; only Gemini and Azure routes, whose path names a model,
 * allocate, and only on a hit. Instances are immutable and thread-safe.
 *
 * <p>Order of decision: a configured endpoint (scheme, host, port and base-path prefix) wins; then
 * well-known provider hosts; then the path shape alone, for self-hosted servers and gateways.
 */
public final class Recognizer {
  private static final Api[] APIS = Api.values();
  private static final Provider[] PROVIDERS = Provider.values();

  // Classification results are Api ordinals; a family tells which hosts may serve them.
  private static final int NONE = -1;

  private final EndpointConfig[] endpoints;

  /** Per endpoint, one shared Route per Api (no path model). */
  private final Route[][] endpointRoutes;

  /** Per provider, one shared Route per Api for unconfigured calls. */
  private static final Route[][] WELL_KNOWN = new Route[PROVIDERS.length][APIS.length];

  static {
    for (Provider p : PROVIDERS) {
      for (Api a : APIS) {
        WELL_KNOWN[p.ordinal()][a.ordinal()] = new Route(p, a, operation(a), null, null);
      }
    }
  }

  public Recognizer(List<EndpointConfig> endpoints) {
    this.endpoints =
        endpoints == null ? new EndpointConfig[0] : endpoints.toArray(new EndpointConfig[0]);
    this.endpointRoutes = new Route[this.endpoints.length][APIS.length];
    for (int i = 0; i < this.endpoints.length; i++) {
      EndpointConfig e = this.endpoints[i];
      for (Api a : APIS) {
        endpointRoutes[i][a.ordinal()] =
            new Route(e.getProvider(), a, operation(a), e.getName(), null);
      }
    }
  }

  /**
   * Returns the route, or null for a call that is not an LLM/Dify inference call.
   *
   * @param rawPath the request path as sent; a query string or fragment after it is ignored
   */
  public Route recognize(String scheme, String host, int port, String rawPath) {
    try {
      return recognizeOrThrow(scheme, host, port, rawPath);
    } catch (RuntimeException bug) {
      return null; // never the application's problem; the call just goes unrecorded
    }
  }

  private Route recognizeOrThrow(String scheme, String host, int port, String rawPath) {
    if (host == null) {
      return null;
    }
    String path = rawPath == null ? "" : rawPath;
    int end = pathEnd(path);
    // Tolerate one trailing slash: "/v1/chat/completions/".
    if (end > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    int effectivePort = port > 0 ? port : defaultPort(scheme);

    Route r = matchConfigured(scheme, host, effectivePort, path, end);
    if (r != null) {
      return r == MISS ? null : r;
    }
    // Most requests end here: their last path segment names no inference operation.
    if (lastSegmentColon(path, end) < 0
        && !knownLastSegment(path, path.lastIndexOf('/', end - 1) + 1, end)) {
      return null;
    }
    Provider hostProvider = wellKnownHost(host, path, end);
    int api = classify(path, 0, end, hostProvider != null);
    if (api == NONE) {
      return null;
    }
    Provider provider = hostProvider != null ? hostProvider : providerForShape(api, path, end);
    if (hostProvider != null && !serves(hostProvider, api)) {
      return null; // e.g. api.openai.com/v1/messages: a well-known host never serves that shape.
    }
    return route(WELL_KNOWN[provider.ordinal()][api], null, path, end);
  }

  /** Sentinel: a configured endpoint owns this URL but the path is not an inference call. */
  private static final Route MISS = new Route(Provider.OPENAI, Api.OPENAI_CHAT, "", null, null);

  private Route matchConfigured(String scheme, String host, int port, String path, int end) {
    EndpointConfig[] eps = endpoints;
    int hostOnly = -1;
    for (int i = 0; i < eps.length; i++) {
      EndpointConfig e = eps[i];
      if (e.getPort() != port || !sameIgnoreCase(host, e.getHost())) {
        continue;
      }
      if (scheme != null && !scheme.equalsIgnoreCase(e.getScheme())) {
        continue;
      }
      String prefix = e.getPathPrefix();
      int pl = prefix.length();
      if (pl <= end
          && path.regionMatches(0, prefix, 0, pl)
          && (pl == end || path.charAt(pl) == '/')) {
        int api = classify(path, pl, end, true);
        if (api == NONE || !serves(e.getProvider(), api)) {
          return MISS; // GET /v1/models, /files, ...: the endpoint's, but not inference.
        }
        return route(endpointRoutes[i][api], e.getName(), path, end);
      }
      if (hostOnly < 0 && e.getProvider() == Provider.DIFY) {
        hostOnly = i;
      }
    }
    // Self-hosted Dify is often configured at the site root while the API lives under /v1 (or
    // the other way round): a Dify path on the configured host still belongs to that endpoint.
    if (hostOnly >= 0) {
      int api = classify(path, 0, end, false);
      if (api == Api.DIFY_CHAT.ordinal()
          || api == Api.DIFY_COMPLETION.ordinal()
          || api == Api.DIFY_WORKFLOW.ordinal()) {
        return endpointRoutes[hostOnly][api];
      }
    }
    return null;
  }

  /** Adds the path model (Gemini model, Azure deployment) when the path names one. */
  private static Route route(Route base, String endpointName, String path, int end) {
    Api api = base.api;
    if (api == Api.GEMINI_GENERATE || api == Api.GEMINI_EMBED) {
      int colon = lastSegmentColon(path, end);
      int slash = path.lastIndexOf('/', colon);
      int modelStart = slash + 1;
      int prevSlash = path.lastIndexOf('/', slash - 1);
      // Tuned models keep their collection ("tunedModels/x"); base models drop "models/".
      if (path.regionMatches(prevSlash + 1, "tunedModels/", 0, 12)) {
        modelStart = prevSlash + 1;
      }
      boolean streaming = path.regionMatches(colon + 1, "streamGenerateContent", 0, 21);
      return new Route(
          base.provider,
          api,
          base.operation,
          endpointName,
          path.substring(modelStart, colon),
          streaming);
    }
    int dep = path.indexOf("/openai/deployments/");
    if (dep >= 0 && dep < end) {
      int start = dep + 20;
      int slash = path.indexOf('/', start);
      if (slash > start && slash < end) {
        return new Route(
            base.provider, api, base.operation, endpointName, path.substring(start, slash));
      }
    }
    return base;
  }

  // ---- path shapes -------------------------------------------------------------------------

  /**
   * Classifies path[from, end) by shape. {@code loose} also accepts bare remainders such as
   * "/embeddings" that are only meaningful below a configured base URL or on a provider's host.
   */
  static int classify(String p, int from, int end, boolean loose) {
    int len = end - from;
    if (len <= 0) {
      return NONE;
    }
    // Gemini: .../models/{model}:method or .../tunedModels/{model}:method
    int colon = lastSegmentColon(p, end);
    if (colon > from) {
      int slash = p.lastIndexOf('/', colon);
      int prev = p.lastIndexOf('/', slash - 1);
      if (slash <= from || prev < from - 1 || colon - slash < 2) {
        return NONE;
      }
      boolean models =
          segmentIs(p, prev + 1, slash, "models") || segmentIs(p, prev + 1, slash, "tunedModels");
      if (!models) {
        return NONE;
      }
      int m = colon + 1;
      if (segmentIs(p, m, end, "generateContent")
          || segmentIs(p, m, end, "streamGenerateContent")) {
        return Api.GEMINI_GENERATE.ordinal();
      }
      if (segmentIs(p, m, end, "embedContent") || segmentIs(p, m, end, "batchEmbedContents")) {
        return Api.GEMINI_EMBED.ordinal();
      }
      return NONE;
    }
    // Cheap gate for the miss path: every inference path ends in one of a few segment names.
    if (!knownLastSegment(p, p.lastIndexOf('/', end - 1) + 1, end)) {
      return NONE;
    }
    // Azure deployments: /openai/deployments/{deployment}/{operation}
    int dep = p.indexOf("/openai/deployments/", from);
    if (dep >= 0 && dep < end) {
      int slash = p.indexOf('/', dep + 20);
      if (slash <= dep + 20 || slash >= end) {
        return NONE;
      }
      if (segmentIs(p, slash, end, "/chat/completions")) {
        return Api.OPENAI_CHAT.ordinal();
      }
      if (segmentIs(p, slash, end, "/completions")) {
        return Api.OPENAI_COMPLETIONS.ordinal();
      }
      if (segmentIs(p, slash, end, "/embeddings")) {
        return Api.OPENAI_EMBEDDINGS.ordinal();
      }
      return NONE;
    }
    if (endsWith(p, from, end, "/chat/completions")) {
      return Api.OPENAI_CHAT.ordinal();
    }
    if (endsWith(p, from, end, "/v1/completions")
        || endsWith(p, from, end, "/beta/completions")
        || (loose && segmentIs(p, from, end, "/completions"))) {
      return Api.OPENAI_COMPLETIONS.ordinal();
    }
    if (endsWith(p, from, end, "/v1/responses")
        || endsWith(p, from, end, "/openai/responses")
        || (loose && segmentIs(p, from, end, "/responses"))) {
      return Api.OPENAI_RESPONSES.ordinal();
    }
    if (endsWith(p, from, end, "/v1/embeddings")
        || endsWith(p, from, end, "/openai/embeddings")
        || (loose && segmentIs(p, from, end, "/embeddings"))) {
      return Api.OPENAI_EMBEDDINGS.ordinal();
    }
    if (endsWith(p, from, end, "/v1/messages") || (loose && segmentIs(p, from, end, "/messages"))) {
      return Api.ANTHROPIC_MESSAGES.ordinal();
    }
    if (endsWith(p, from, end, "/chat-messages")) {
      return Api.DIFY_CHAT.ordinal();
    }
    if (endsWith(p, from, end, "/completion-messages")) {
      return Api.DIFY_COMPLETION.ordinal();
    }
    if (endsWith(p, from, end, "/workflows/run")) {
      return Api.DIFY_WORKFLOW.ordinal();
    }
    if (endsWith(p, from, end, "/run")) {
      // /workflows/{workflow_id}/run
      int idSlash = p.lastIndexOf('/', end - 5);
      if (idSlash > from && idSlash < end - 5 && endsWith(p, from, idSlash, "/workflows")) {
        return Api.DIFY_WORKFLOW.ordinal();
      }
      return NONE;
    }
    // Ollama's native API, matched exactly: "/api/chat" as a suffix is too common elsewhere.
    if (segmentIs(p, from, end, "/api/chat")) {
      return Api.OLLAMA_CHAT.ordinal();
    }
    if (segmentIs(p, from, end, "/api/generate")) {
      return Api.OLLAMA_GENERATE.ordinal();
    }
    if (segmentIs(p, from, end, "/api/embed") || segmentIs(p, from, end, "/api/embeddings")) {
      return Api.OLLAMA_EMBED.ordinal();
    }
    return NONE;
  }

  /** The last path segment names an inference operation of some provider. */
  private static boolean knownLastSegment(String p, int start, int end) {
    switch (end - start) {
      case 3:
        return p.regionMatches(start, "run", 0, 3);
      case 4:
        return p.regionMatches(start, "chat", 0, 4);
      case 5:
        return p.regionMatches(start, "embed", 0, 5);
      case 8:
        return p.regionMatches(start, "messages", 0, 8) || p.regionMatches(start, "generate", 0, 8);
      case 9:
        return p.regionMatches(start, "responses", 0, 9);
      case 10:
        return p.regionMatches(start, "embeddings", 0, 10);
      case 11:
        return p.regionMatches(start, "completions", 0, 11);
      case 13:
        return p.regionMatches(start, "chat-messages", 0, 13);
      case 19:
        return p.regionMatches(start, "completion-messages", 0, 19);
      default:
        return false;
    }
  }

  /** Provider for a path recognized on an unknown host. */
  private static Provider providerForShape(int api, String path, int end) {
    Api a = APIS[api];
    switch (a) {
      case ANTHROPIC_MESSAGES:
        return Provider.ANTHROPIC;
      case GEMINI_GENERATE:
      case GEMINI_EMBED:
        return Provider.GEMINI;
      case OLLAMA_CHAT:
      case OLLAMA_GENERATE:
      case OLLAMA_EMBED:
        return Provider.OLLAMA;
      case DIFY_CHAT:
      case DIFY_COMPLETION:
      case DIFY_WORKFLOW:
        return Provider.DIFY;
      default:
        int dep = path.indexOf("/openai/deployments/");
        return dep >= 0 && dep < end ? Provider.AZURE_OPENAI : Provider.OPENAI_COMPATIBLE;
    }
  }

  /**
   * Which path shapes a provider serves: a well-known host, or a configured endpoint, answers only
   * these (a Dify base URL's GET /messages history is not Anthropic's /v1/messages).
   */
  private static boolean serves(Provider provider, int api) {
    Api a = APIS[api];
    boolean openAi =
        a == Api.OPENAI_CHAT
            || a == Api.OPENAI_COMPLETIONS
            || a == Api.OPENAI_RESPONSES
            || a == Api.OPENAI_EMBEDDINGS;
    boolean anthropic = a == Api.ANTHROPIC_MESSAGES;
    boolean gemini = a == Api.GEMINI_GENERATE || a == Api.GEMINI_EMBED;
    switch (provider) {
      case OPENAI:
      case AZURE_OPENAI:
        return openAi;
      case ANTHROPIC:
        // Anthropic also offers an OpenAI-compatible chat endpoint.
        return anthropic || a == Api.OPENAI_CHAT;
      case DEEPSEEK:
        // DeepSeek serves the OpenAI format and, under /anthropic, the Anthropic one.
        return openAi || anthropic;
      case GEMINI:
        // Gemini's own API, and its OpenAI-compatible one under /v1beta/openai.
        return gemini || openAi;
      case OLLAMA:
        return a == Api.OLLAMA_CHAT
            || a == Api.OLLAMA_GENERATE
            || a == Api.OLLAMA_EMBED
            || openAi
            || anthropic;
      case DIFY:
        return a == Api.DIFY_CHAT || a == Api.DIFY_COMPLETION || a == Api.DIFY_WORKFLOW;
      default: // OPENAI_COMPATIBLE: gateways pass several formats through
        return openAi || anthropic || gemini;
    }
  }

  /** The provider owning a well-known host, or null. Case-insensitive, allocation-free. */
  private static Provider wellKnownHost(String host, String path, int end) {
    if (sameIgnoreCase(host, "api.openai.com")) {
      return Provider.OPENAI;
    }
    if (sameIgnoreCase(host, "api.anthropic.com")) {
      return Provider.ANTHROPIC;
    }
    if (sameIgnoreCase(host, "api.deepseek.com")) {
      return Provider.DEEPSEEK;
    }
    if (sameIgnoreCase(host, "generativelanguage.googleapis.com")) {
      return Provider.GEMINI;
    }
    if (sameIgnoreCase(host, "api.dify.ai")) {
      return Provider.DIFY;
    }
    if (hostEndsWith(host, ".openai.azure.com")) {
      return Provider.AZURE_OPENAI;
    }
    // Azure AI Foundry / Cognitive Services hosts serve other APIs too; only /openai/ is ours.
    if ((hostEndsWith(host, ".cognitiveservices.azure.com")
            || hostEndsWith(host, ".services.ai.azure.com"))
        && path.startsWith("/openai/")
        && end >= 8) {
      return Provider.AZURE_OPENAI;
    }
    return null;
  }

  // ---- allocation-free string helpers --------------------------------------------------------

  private static int pathEnd(String p) {
    int n = p.length();
    for (int i = 0; i < n; i++) {
      char c = p.charAt(i);
      if (c == '?' || c == '#') {
        return i;
      }
    }
    return n;
  }

  /** Index of ':' in the last path segment of p[0, end), or -1. */
  private static int lastSegmentColon(String p, int end) {
    for (int i = end - 1; i >= 0; i--) {
      char c = p.charAt(i);
      if (c == ':') {
        return i;
      }
      if (c == '/') {
        return -1;
      }
    }
    return -1;
  }

  private static boolean endsWith(String p, int from, int end, String suffix) {
    int n = suffix.length();
    return end - from >= n && p.regionMatches(end - n, suffix, 0, n);
  }

  /** p[from, end) equals s exactly. */
  private static boolean segmentIs(String p, int from, int end, String s) {
    int n = s.length();
    return end - from == n && p.regionMatches(from, s, 0, n);
  }

  private static boolean sameIgnoreCase(String host, String known) {
    int n = known.length();
    return host.length() == n && host.regionMatches(true, 0, known, 0, n);
  }

  private static boolean hostEndsWith(String host, String suffix) {
    int n = suffix.length();
    int hl = host.length();
    return hl > n && host.regionMatches(true, hl - n, suffix, 0, n);
  }

  private static int defaultPort(String scheme) {
    return scheme != null && scheme.equalsIgnoreCase("https") ? 443 : 80;
  }

  static String operation(Api api) {
    switch (api) {
      case OPENAI_COMPLETIONS:
      case OLLAMA_GENERATE:
      case DIFY_COMPLETION:
        return GenAi.OP_TEXT_COMPLETION;
      case OPENAI_EMBEDDINGS:
      case GEMINI_EMBED:
      case OLLAMA_EMBED:
        return GenAi.OP_EMBEDDINGS;
      case GEMINI_GENERATE:
        return GenAi.OP_GENERATE_CONTENT;
      case DIFY_WORKFLOW:
        return GenAi.OP_INVOKE_WORKFLOW;
      default:
        return GenAi.OP_CHAT;
    }
  }
}
