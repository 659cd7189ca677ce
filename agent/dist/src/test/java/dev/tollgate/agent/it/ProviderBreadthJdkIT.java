package dev.tollgate.agent.it;

import java.util.List;

/** Gemini and Ollama (see {@link ProviderBreadthScenarios}) through java.net.http.HttpClient. */
class ProviderBreadthJdkIT extends JdkHttpClientContractIT {
  @Override
  List<Scenario> scenarioList() {
    return ProviderBreadthScenarios.all();
  }
}
