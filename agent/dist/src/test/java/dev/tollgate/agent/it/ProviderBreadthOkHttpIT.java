package dev.tollgate.agent.it;

import java.util.List;

/** Gemini and Ollama (see {@link ProviderBreadthScenarios}) through OkHttp. */
class ProviderBreadthOkHttpIT extends OkHttpContractIT {
  @Override
  List<Scenario> scenarioList() {
    return ProviderBreadthScenarios.all();
  }
}
