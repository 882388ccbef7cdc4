/**
 * Where a step gets its dependencies. In Lambda: real clients built once per cold start from the
 * environment. In the sandbox: the runner supplies deps wired to the simulated region and API server,
 * scoped to one run with AsyncLocalStorage, so the same handler module serves both.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createAwsDeps } from "../../src/adapters/deps";
import type { Deps } from "../../src/core/ports";

const scoped = new AsyncLocalStorage<Deps>();
let coldStart: Deps | undefined;

export function runWithDeps<T>(deps: Deps, fn: () => T): T {
  return scoped.run(deps, fn);
}

export function currentDeps(): Deps {
  const sandbox = scoped.getStore();
  if (sandbox) return sandbox;
  if (!coldStart) {
    const tableName = process.env.TUGBOAT_TABLE;
    if (!tableName) throw new Error("TUGBOAT_TABLE is not set: the stack sets it on every step function");
    coldStart = createAwsDeps({ region: process.env.AWS_REGION ?? "us-east-1", tableName });
  }
  return coldStart;
}
