/**
 * Creating and deleting clusters in the sandbox: the production create-cluster and delete-cluster
 * workflows run against the scenario's account, with Tugboat's own roles; the result carries
 * Tugboat's summary and, beside it, what the simulator observes of the cluster.
 */
import { createCluster, deleteCluster } from "../../workflows";
import type { DeleteSummary } from "../core/create/delete-state";
import type { CreateRequest } from "../core/create/state";
import type { CreateSummary } from "../core/create/summarize";
import type { ClusterInventory } from "./aws/cluster-inventory";
import { sandboxKubeRoleArns } from "./aws/identities";
import { SANDBOX_ACCOUNT_ID } from "./aws/world";
import type { LocalRunOptions, LocalRunResult } from "./runner/local-workflow";
import type { Sandbox } from "./sandbox";

export type CreateJson = CreateSummary & { observed: ClusterInventory };
export type DeleteJson = DeleteSummary & { observed: ClusterInventory };

let runs = 0;

function summaryOf<T>(run: LocalRunResult): T | undefined {
  const state = (run.status === "SUCCEEDED" ? run.output : run.lastOutput) as { summary?: T } | undefined;
  return state?.summary;
}

export async function createInSandbox(
  sandbox: Sandbox,
  spec: unknown,
  options: { dryRun?: boolean; run?: Partial<Pick<LocalRunOptions, "onEvent" | "crashAfter">> } = {},
): Promise<CreateJson> {
  const request: CreateRequest = {
    spec,
    kubeRoleArns: sandboxKubeRoleArns(),
    accountId: SANDBOX_ACCOUNT_ID,
    ...(options.dryRun ? { dryRun: true } : {}),
  };
  const name = String((spec as { name?: unknown })?.name ?? "cluster");
  const run = await sandbox.run(createCluster, request, {
    executionName: `create-${name}-${++runs}`,
    ...(options.run ?? {}),
  });
  const summary = summaryOf<CreateSummary>(run) ?? {
    outcome: "failed" as const,
    cluster: name,
    kind: "",
    version: "",
    durationSeconds: Math.round((run.endedAtMs - run.startedAtMs) / 1000),
    predictedSeconds: 0,
    resources: {},
    healthChecks: [],
    changes: 0,
    reason: run.cause ?? run.error ?? "the workflow ended without a summary",
  };
  return { ...summary, observed: sandbox.region.inventory(summary.cluster || name) };
}

export async function deleteInSandbox(
  sandbox: Sandbox,
  cluster: string,
  options: { dryRun?: boolean; run?: Partial<Pick<LocalRunOptions, "onEvent" | "crashAfter">> } = {},
): Promise<DeleteJson> {
  const run = await sandbox.run(
    deleteCluster,
    { cluster, ...(options.dryRun ? { dryRun: true } : {}) },
    { executionName: `delete-${cluster}-${++runs}`, ...(options.run ?? {}) },
  );
  const summary = summaryOf<DeleteSummary>(run) ?? {
    outcome: "failed" as const,
    cluster,
    durationSeconds: Math.round((run.endedAtMs - run.startedAtMs) / 1000),
    remaining: {},
    changes: 0,
    reason: run.cause ?? run.error ?? "the workflow ended without a summary",
  };
  return { ...summary, observed: sandbox.region.inventory(cluster) };
}
