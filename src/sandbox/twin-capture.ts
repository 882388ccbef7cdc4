/**
 * Captures a sandbox cluster as a scenario through the production adapters the sandbox plugs in,
 * exactly as `tug twin capture` reads a real cluster: the simulator is read only over the AWS APIs
 * and the Kubernetes API, never from its records.
 */
import { type CaptureResult, captureTwin } from "../core/twin/capture";
import { instanceTypeFacts } from "./aws/catalog";
import type { Sandbox } from "./sandbox";
import { parseScenario } from "./scenario/load";
import type { Scenario } from "./scenario/schema";

export async function captureSandboxCluster(
  sandbox: Sandbox,
  options: { anonymize?: boolean } = {},
): Promise<CaptureResult & { parsed: Scenario }> {
  const cluster = sandbox.scenario.cluster.name;
  const captured = await captureTwin(sandbox.deps, cluster, {
    region: sandbox.scenario.region,
    instanceFacts: instanceTypeFacts,
    ...(options.anonymize ? { anonymize: true } : {}),
  });
  // The captured file must be a scenario the sandbox accepts as it stands.
  return { ...captured, parsed: parseScenario(captured.scenario, `${cluster} (captured)`) };
}
