package dev.tollgate.agent.it.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application under test: knows nothing of Tollgate. It reads a plan (one request per line,
 * tab-separated: url, read mode, timeout, body file, headers), makes each call in turn with the
 * named client, and writes what it received to the output folder, so the test can check that
 * the agent changed no byte.
 */
public final class ContractApp {
  public static void main(String[] args) throws IOException {
    String client = args[0];
    Path plan = Path.of(args[1]);
    Path out = Path.of(args[2]);
    ClientAdapter adapter = adapter(client);
    List<String> results = new ArrayList<>();
    int i = 0;
    for (String line : Files.readAllLines(plan)) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      Map<String, String> headers = new LinkedHashMap<>();
      if (!f[4].isEmpty()) {
        for (String h : f[4].split("\\|")) {
          int c = h.indexOf(':');
          headers.put(h.substring(0, c), h.substring(c + 1));
        }
      }
      ClientAdapter.Request r =
          new ClientAdapter.Request(
              f[0],
              Files.readString(Path.of(f[3])),
              headers,
              ClientAdapter.Read.valueOf(f[1]),
              Integer.parseInt(f[2]));
      ClientAdapter.Response resp = adapter.call(r);
      Files.write(out.resolve(i + ".body"), resp.body());
      results.add(i + "\t" + resp.status() + "\t" + (resp.error() == null ? "" : resp.error()));
      i++;
    }
    Files.write(out.resolve("results.tsv"), results);
  }

  static ClientAdapter adapter(String name) {
    switch (name) {
      case "jdk-httpclient":
        return new JdkHttpClientAdapter(false);
      case "jdk-httpclient-async":
        return new JdkHttpClientAdapter(true);
      case "http-url-connection":
        return new UrlConnectionAdapter();
      case "okhttp":
        return new OkHttpAdapter(false);
      case "okhttp-async":
        return new OkHttpAdapter(true);
      case "apache-httpclient-5":
        return new ApacheHttpClient5Adapter();
      case "apache-httpclient-5-async":
        return new ApacheHttpClient5AsyncAdapter();
      case "apache-httpclient-4":
        return new ApacheHttpClient4Adapter();
      default:
        throw new IllegalArgumentException("unknown client " + name);
    }
  }
}
