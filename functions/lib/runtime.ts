/**
 * Where a step gets its dependencies. In Lambda: real clients built once per cold start from the
 * environment. In the sandbox: the runner supplies deps wired to the simulated region and API server,
 * so the same handler module serves both. A step handler (stepHandler) finds them on the invocation's
 * context; other handlers (the chat functions) in an AsyncLocalStorage scope. The context is preferred
 * because a store in use makes Node 22 hook every promise of the process (2 % of a sandbox run's
 * profile in async_hooks alone, bench/README.md).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createAwsDeps } from "../../src/adapters/deps";
import type { Deps } from "../../src/core/ports";

const scoped = new AsyncLocalStorage<Deps>();
let coldStart: Deps | undefined;

const CONTEXT_DEPS = Symbol("tugboat.contextDeps");
/** Marks a handler that reads its deps from its context (depsFrom). */
const READS_CONTEXT_DEPS = Symbol("tugboat.readsContextDeps");

export function runWithDeps<T>(deps: Deps, fn: () => T): T {
  return scoped.run(deps, fn);
}

/** Declares that `handler` takes its deps from the context it is invoked with (see invokeWithDeps). */
export function readsContextDeps<H extends object>(handler: H): H {
  Object.defineProperty(handler, READS_CONTEXT_DEPS, { value: true });
  return handler;
}

/** Invokes a handler with `deps` as its dependencies: on its context if it reads them there, else scoped. */
export function invokeWithDeps<C extends object, T>(
  deps: Deps,
  handler: (event: unknown, context: C) => T,
  event: unknown,
  context: C,
): T {
  if ((handler as { [READS_CONTEXT_DEPS]?: boolean })[READS_CONTEXT_DEPS]) {
    return handler(event, { ...context, [CONTEXT_DEPS]: deps });
  }
  return runWithDeps(deps, () => handler(event, context));
}

/** The deps of an invocation: those its context carries (the sandbox), else currentDeps(). */
export function depsFrom(context: unknown): Deps {
  const carried = (context as { [CONTEXT_DEPS]?: Deps } | undefined)?.[CONTEXT_DEPS];
  return carried ?? currentDeps();
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
