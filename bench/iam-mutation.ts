/**
 * Proves each permission Tugboat's stack grants is needed: removes each single action from each statement
 * of each role in turn, and shows the first recorded call of a workflow test that the mutated policy
 * refuses. A permission no recorded call needs is an over-grant: listed, and the run fails, unless
 * access-documents.ts justifies it (UNEXERCISED_GRANTS).
 *
 * Fast by design: the workflow tests run once with IAM enforced and recording on (TUGBOAT_IAM_RECORD), which
 * keeps every (role, action, resource, context) they authorized; each mutation is then evaluated against
 * those recordings only (removing action A can only change the answer for calls of A), not by running the
 * tests again.
 *
 *   npx tsx bench/iam-mutation.ts                      # runs test/workflow and test/component with recording, then mutates
 *   npx tsx bench/iam-mutation.ts --recordings <dir>   # reuses recordings (TUGBOAT_IAM_RECORD=<dir> npm test …)
 *   npx tsx bench/iam-mutation.ts --gaps               # also lists calls the unmutated policies refuse
 *   npx tsx bench/iam-mutation.ts --json               # the table as JSON on the last line
 *
 * Exit code: 0 when every grant is needed or justified and no recorded call was refused; 1 otherwise.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { evaluatePolicy } from "../src/sandbox/iam/enforcer";
import { type LabelledRequest, RECORD_VARIABLE, requestKey } from "../src/sandbox/iam/recording";
import { roleNameForModule, type SandboxRole, sandboxRoles } from "../src/sandbox/iam/roles";
import { type PolicyDocumentJson, unexercisedReason } from "../stacks/lib/access-documents";
import { receiveFunction, workflows } from "../workflows/index";

export interface MutationRow {
  role: string;
  statement: string;
  action: string;
  /** The first recorded call the mutated policy refuses: "<test> — <action> on <resource>". */
  firstFailingCheck?: string;
  /** Why an action no recorded call needs is granted anyway (UNEXERCISED_GRANTS). */
  justified?: string;
}

export function loadRecordings(dir: string): LabelledRequest[] {
  const requests: LabelledRequest[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (line.trim() !== "") requests.push(JSON.parse(line) as LabelledRequest);
    }
  }
  return requests;
}

function recordTests(dir: string, paths: string[]): void {
  const run = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...paths], {
    env: { ...process.env, [RECORD_VARIABLE]: dir },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (run.status !== 0)
    console.error(`warning: the recorded tests exited with ${run.status}; mutating what was recorded`);
}

function withoutAction(policy: PolicyDocumentJson, sid: string, action: string): PolicyDocumentJson {
  return {
    ...policy,
    Statement: policy.Statement.flatMap((s) => {
      if (s.Sid !== sid) return [s];
      const actions = s.Action.filter((a) => a !== action);
      return actions.length > 0 ? [{ ...s, Action: actions }] : [];
    }),
  };
}

/** One deployment's roles per distinct account (region and managed clusters differ between scenarios). */
function rolesFor(request: LabelledRequest, cache: Map<string, Map<string, SandboxRole>>): SandboxRole | undefined {
  const key = JSON.stringify(request.account);
  let roles = cache.get(key);
  if (!roles) {
    roles = sandboxRoles(request.account);
    cache.set(key, roles);
  }
  return roles.get(request.role);
}

export async function mutate(recordings: LabelledRequest[]): Promise<{ rows: MutationRow[]; gaps: LabelledRequest[] }> {
  const unique = new Map<string, LabelledRequest>();
  for (const r of recordings) {
    const key = `${requestKey(r)}\u0000${JSON.stringify(r.account)}`;
    if (!unique.has(key)) unique.set(key, r);
  }
  const requests = [...unique.values()];
  const gaps = requests.filter((r) => r.decision !== "Allowed");
  const allowed = requests.filter((r) => r.decision === "Allowed");
  const cache = new Map<string, Map<string, SandboxRole>>();
  // Every role and statement of a deployment, whatever the account: the same lists for every scenario.
  const reference = sandboxRoles({ account: "123456789012", region: "us-east-1", tableName: "t", clusters: ["c"] });
  const moduleOfRole = new Map(
    [receiveFunction, ...Object.values(workflows).flatMap((w) => Object.values(w.functions))].map((f) => [
      roleNameForModule(f.module),
      f.module,
    ]),
  );
  const rows: MutationRow[] = [];
  for (const role of reference.values()) {
    const mine = allowed.filter((r) => r.role === role.name);
    for (const statement of role.policy.Statement) {
      for (const action of statement.Action) {
        const row: MutationRow = { role: role.name, statement: statement.Sid, action };
        for (const request of mine.filter((r) => r.action === action)) {
          const actual = rolesFor(request, cache);
          if (!actual) continue;
          const decision = await evaluatePolicy(
            actual.principal,
            request.account.account,
            withoutAction(actual.policy, statement.Sid, action),
            request,
          );
          if (decision !== "Allowed") {
            row.firstFailingCheck = `${request.label} — ${request.action} on ${request.resource}`;
            break;
          }
        }
        if (!row.firstFailingCheck) {
          const why = unexercisedReason(moduleOfRole.get(role.name), statement.Sid, action);
          if (why) row.justified = why;
        }
        rows.push(row);
      }
    }
  }
  return { rows, gaps };
}

function printTable(rows: MutationRow[]): void {
  const width = (pick: (r: MutationRow) => string) => Math.max(...rows.map((r) => pick(r).length));
  const roleW = width((r) => r.role);
  const actionW = width((r) => `${r.statement}/${r.action}`);
  console.log(`${"role".padEnd(roleW)}  ${"statement/action removed".padEnd(actionW)}  first failing check`);
  for (const r of rows) {
    const outcome =
      r.firstFailingCheck ??
      (r.justified ? `(not exercised; justified: ${r.justified})` : "OVER-GRANT: no recorded call needs it");
    console.log(`${r.role.padEnd(roleW)}  ${`${r.statement}/${r.action}`.padEnd(actionW)}  ${outcome}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      recordings: { type: "string" },
      gaps: { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  let dir = values.recordings;
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), "tugboat-iam-"));
    // The workflow tests, and the CLI's calls under the operator policy (the enforcement tests refuse calls
    // on purpose, so they are not recorded).
    recordTests(dir, ["test/workflow", "test/component/iam/operator.test.ts"]);
  }
  const started = performance.now();
  const { rows, gaps } = await mutate(loadRecordings(dir));
  const seconds = (performance.now() - started) / 1000;
  const overGrants = rows.filter((r) => !r.firstFailingCheck && !r.justified);
  if (values.json) {
    console.log(JSON.stringify({ rows, gaps: gaps.length, overGrants: overGrants.length, seconds }));
  } else {
    printTable(rows);
    if (values.gaps || gaps.length > 0) {
      console.log(`\ncalls the deployed policies refuse (${gaps.length}):`);
      for (const g of gaps) console.log(`  ${g.role}  ${g.action} on ${g.resource}  (${g.label})`);
    }
    const proven = rows.filter((r) => r.firstFailingCheck).length;
    console.log(
      `\n${rows.length} grants: ${proven} needed by a recorded call, ${rows.length - proven - overGrants.length} justified, ${overGrants.length} over-granted; ${gaps.length} refused calls; mutations evaluated in ${seconds.toFixed(1)} s`,
    );
  }
  return overGrants.length === 0 && gaps.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
