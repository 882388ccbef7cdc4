/**
 * The delete-cluster workflow's state and outcome. The failure path of create-cluster runs the same
 * teardown step on its own state, so the teardown reads the cluster from either.
 */
import type { CreateLock } from "./lock";
import type { CreationPort } from "./ports";
import type { CreateValidation, RunRef } from "./state";
import { countResources } from "./summarize";
import type { TeardownResult } from "./teardown";

export interface DeleteState {
  request: { cluster?: string; dryRun?: boolean };
  run: RunRef;
  validation?: Pick<CreateValidation, "spec">;
  ownership?: { exists: boolean };
  /** The cluster lock, held from after the ownership check to the way out (lock.ts). */
  lock?: CreateLock;
  released?: { released: boolean };
  teardown?: TeardownResult;
  error?: { Error?: string; Cause?: string };
}

export interface DeleteSummary {
  outcome: "deleted" | "unchanged" | "dry-run" | "refused" | "failed";
  cluster: string;
  durationSeconds: number;
  remaining: Record<string, number>;
  changes: number;
  reason: string;
}

export async function summarizeDelete(port: CreationPort, state: DeleteState, now: Date): Promise<DeleteSummary> {
  const cluster = state.request.cluster ?? "";
  const durationSeconds = Math.round((now.getTime() - new Date(state.run.startedAt).getTime()) / 1000);
  const changes = state.teardown?.changes ?? 0;
  const remaining = cluster ? await countResources(port, cluster) : {};
  if (state.error) {
    let reason = state.error.Cause ?? state.error.Error ?? "failed";
    try {
      reason = (JSON.parse(reason) as { errorMessage?: string }).errorMessage ?? reason;
    } catch {}
    // Refused before anything changed: not Tugboat's cluster, or locked by another run.
    const refused = state.error.Error === "InvalidInputError" || state.error.Error === "ClusterLockedError";
    return { outcome: refused ? "refused" : "failed", cluster, durationSeconds, remaining, changes, reason };
  }
  if (state.request.dryRun) {
    return {
      outcome: "dry-run",
      cluster,
      durationSeconds,
      remaining,
      changes: 0,
      reason: state.ownership?.exists
        ? `would delete what Tugboat created of ${cluster}`
        : `nothing of ${cluster} to delete`,
    };
  }
  return {
    outcome: changes > 0 ? "deleted" : "unchanged",
    cluster,
    durationSeconds,
    remaining,
    changes,
    reason:
      changes > 0
        ? `cluster ${cluster} and everything Tugboat created for it deleted`
        : `nothing of ${cluster} left to delete`,
  };
}
