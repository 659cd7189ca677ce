package dev.tollgate.agent.it.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An application under the controller's policies. Knows nothing of Tollgate: makes calls and
 * prints one line per call: {@code <label> <status> <elapsed ms> <error class>: <message>}.
 *
 * <p>Scenarios: {@code storm} (one call; the provider answers 429 twice first), {@code outage}
 * (calls while the provider is down, a recovery, then calls again), {@code slow} (eight calls at
 * once against a slow provider).
 */
public final class ControllerApp {
  public static void main(String[] args) throws Exception {
    ClientAdapter client = ContractApp.adapter(args[0]);
    String scenario = args[1];
    String base = args[2];
    String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    Map<String, String> headers = Map.of("Content-Type", "application/json");
    switch (scenario) {
      case "storm":
        print("storm", client, new ClientAdapter.Request(base + "/storm/v1/chat/completions", body, headers, ClientAdapter.Read.ALL, 10000));
        break;
      case "outage":
        for (int i = 0; i < 12; i++) {
          print("down-" + i, client, new ClientAdapter.Request(base + "/outage/v1/chat/completions", body, headers, ClientAdapter.Read.ALL, 5000));
        }
        print("recover", client, new ClientAdapter.Request(base + "/admin/recover", "{}", headers, ClientAdapter.Read.ALL, 5000));
        Thread.sleep(Long.parseLong(args[3]));
        for (int i = 0; i < 6; i++) {
          print("up-" + i, client, new ClientAdapter.Request(base + "/outage/v1/chat/completions", body, headers, ClientAdapter.Read.ALL, 5000));
        }
        break;
      case "slow":
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          final int n = i;
          results.add(pool.submit(() -> line("slow-" + n, client, new ClientAdapter.Request(base + "/slow/v1/chat/completions", body, headers, ClientAdapter.Read.ALL, 10000))));
          Thread.sleep(20);
        }
        for (Future<String> f : results) {
          System.out.println(f.get());
        }
        pool.shutdown();
        break;
      default:
        throw new IllegalArgumentException(scenario);
    }
  }

  private static void print(String label, ClientAdapter client, ClientAdapter.Request r) {
    System.out.println(line(label, client, r));
  }

  private static String line(String label, ClientAdapter client, ClientAdapter.Request r) {
    long start = System.nanoTime();
    ClientAdapter.Response resp = client.call(r);
    long ms = (System.nanoTime() - start) / 1_000_000;
    return label + " " + resp.status() + " " + ms + " " + (resp.error() == null ? "-" : resp.error());
  }
}
