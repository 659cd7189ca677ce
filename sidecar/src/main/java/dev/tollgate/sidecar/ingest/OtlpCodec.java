package dev.tollgate.sidecar.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Decodes OTLP/HTTP request bodies and encodes the (empty) success responses. */
public final class OtlpCodec {
  /** The two OTLP/HTTP encodings. */
  public enum Format {
    PROTOBUF("application/x-protobuf"),
    JSON("application/json");

    private final String contentType;

    Format(String contentType) {
      this.contentType = contentType;
    }

    public String contentType() {
      return contentType;
    }

    /** The format named by a Content-Type header; null when it is neither. */
    public static Format of(String contentType) {
      if (contentType == null) {
        return null;
      }
      String ct = contentType.toLowerCase(Locale.ROOT);
      int semi = ct.indexOf(';');
      if (semi >= 0) {
        ct = ct.substring(0, semi);
      }
      ct = ct.trim();
      return switch (ct) {
        case "application/x-protobuf", "application/protobuf" -> PROTOBUF;
        case "application/json" -> JSON;
        default -> null;
      };
    }
  }

  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

  private final OtlpJson json = new OtlpJson();

  /**
   * Decodes a trace export into calls: protobuf straight off the wire ({@link
   * OtlpProtobufDecoder}), JSON through the message classes.
   */
  public OtlpProtobufDecoder.Decoded calls(byte[] body, Format format) throws BadPayloadException {
    if (format == Format.JSON) {
      return TraceIngest.decode(json.traces(body));
    }
    return OtlpProtobufDecoder.traces(body);
  }

  /** Decodes a trace export into the OTLP message. */
  public ExportTraceServiceRequest traces(byte[] body, Format format) throws BadPayloadException {
    if (format == Format.JSON) {
      return json.traces(body);
    }
    try {
      return ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new BadPayloadException("invalid OTLP protobuf: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new BadPayloadException("invalid OTLP protobuf: " + e);
    }
  }

  public ExportMetricsServiceRequest metrics(byte[] body, Format format)
      throws BadPayloadException {
    if (format == Format.JSON) {
      return json.metrics(body);
    }
    try {
      return ExportMetricsServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new BadPayloadException("invalid OTLP protobuf: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new BadPayloadException("invalid OTLP protobuf: " + e);
    }
  }

  /** The success response for a trace export (no partial success to report). */
  public byte[] traceResponse(Format format) {
    return format == Format.JSON
        ? EMPTY_JSON
        : ExportTraceServiceResponse.getDefaultInstance().toByteArray();
  }

  public byte[] metricsResponse(Format format) {
    return format == Format.JSON
        ? EMPTY_JSON
        : ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
  }

  public byte[] logsResponse(Format format) {
    return format == Format.JSON
        ? EMPTY_JSON
        : ExportLogsServiceResponse.getDefaultInstance().toByteArray();
  }
}
