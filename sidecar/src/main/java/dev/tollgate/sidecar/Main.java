package dev.tollgate.sidecar;

import dev.tollgate.sidecar.alerts.Rules;
import dev.tollgate.sidecar.config.Config;
import dev.tollgate.sidecar.config.ConfigException;
import dev.tollgate.sidecar.config.ConfigLoader;

/** {@code java -jar tollgate-sidecar.jar}: parse the configuration, start, stop on SIGTERM. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ConfigLoader.Parsed parsed;
    try {
      parsed = ConfigLoader.load(args, System.getenv());
    } catch (ConfigException e) {
      System.err.println("tollgate-sidecar: " + e.getMessage());
      System.err.println("Run with --help for the options.");
      System.exit(2);
      return;
    }
    if (parsed.help()) {
      System.out.print(ConfigLoader.usage());
      return;
    }
    Config config = parsed.config();
    App app;
    try {
      app = App.start(config);
    } catch (RuntimeException e) {
      System.err.println("tollgate-sidecar: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "tollgate-sidecar-shutdown"));
    System.out.println(
        "tollgate-sidecar listening on http://"
            + config.bind()
            + ":"
            + app.port()
            + " (data in "
            + config.dataDir().toAbsolutePath()
            + ", "
            + (config.token() == null ? "no token" : "token required")
            + ")");
    System.out.println(
        "prices as of "
            + app.prices().asOf()
            + " ("
            + app.prices().source()
            + "); "
            + app.alerts().rules().size()
            + " alert rules from "
            + app.rules().source()
            + (app.rules().errors().isEmpty()
                ? ""
                : ", " + app.rules().errors().size() + " failed to load (see /api/v1/rules)")
            + "; "
            + config.receivers().size()
            + " receiver(s); evaluated every "
            + Rules.format(config.evalInterval()));
  }
}
