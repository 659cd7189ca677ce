package dev.tollgate.sidecar.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An alert instance as the API, the payloads and the history see it.
 *
 * @param fingerprint stable id of the instance (hash of its labels)
 * @param rule the rule's name
 * @param state pending, firing or resolved
 * @param labels alertname, severity, the group-by labels and the rule's labels
 * @param annotations rendered templates
 * @param value the latest value (NaN: no data)
 * @param activeAt when the breach began
 * @param startsAt when it turned firing; null while pending
 * @param endsAt when it resolved; null while pending or firing
 * @param receivers where to send it; empty for all
 */
public record AlertView(
    String fingerprint,
    Rule ruleDef,
    String rule,
    String state,
    Map<String, String> labels,
    Map<String, String> annotations,
    double value,
    Instant activeAt,
    Instant startsAt,
    Instant endsAt,
    String generatorUrl,
    List<String> receivers) {

  public String severity() {
    return ruleDef.severity();
  }

  public double threshold() {
    return ruleDef.threshold();
  }
}
