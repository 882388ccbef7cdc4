/**
 * Keeps what IAM authorized in a sandbox run, for bench/iam-mutation.ts: with TUGBOAT_IAM_RECORD=<dir>,
 * each sandbox appends its authorizations (role, action, resource, context, decision, and the label of
 * what was running: the test's name when the test setup sets it) to <dir>/<pid>.jsonl when it closes.
 * Without the variable nothing is written.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { RecordedRequest } from "./enforcer";
import type { SandboxAccount } from "./roles";

export interface LabelledRequest extends RecordedRequest {
  label: string;
  /** The deployment the roles' policies were built for (region and managed clusters differ by scenario). */
  account: SandboxAccount;
}

/** What is running now (a test's name); set by test/support/iam-label.ts. */
export const recordingLabel: { current: string } = { current: "sandbox run" };

export const RECORD_VARIABLE = "TUGBOAT_IAM_RECORD";

/** Writes one sandbox's authorizations, once each (role, action, resource, context), with the label. */
export function writeRecording(
  requests: readonly RecordedRequest[],
  account: SandboxAccount,
  label = recordingLabel.current,
): void {
  const dir = process.env[RECORD_VARIABLE];
  if (!dir || requests.length === 0) return;
  mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const request of requests) {
    const key = requestKey(request);
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(JSON.stringify({ ...request, label, account } satisfies LabelledRequest));
  }
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${lines.join("\n")}\n`);
}

export function requestKey(r: { role: string; action: string; resource: string; context: unknown }): string {
  return `${r.role}\u0000${r.action}\u0000${r.resource}\u0000${JSON.stringify(r.context)}`;
}
