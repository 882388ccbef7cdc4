/**
 * Builds a step's Lambda handler: run one core function on the workflow state and return the state
 * with the result under its key (the workflow reads it with OutputPath "$.Payload").
 */
import middy from "@middy/core";
import type { Deps } from "../../src/core/ports";
import { errorContract, requireRunState } from "./middleware";
import { depsFrom, readsContextDeps } from "./runtime";

export function stepHandler<S extends object, K extends string, R>(
  resultKey: K,
  run: (deps: Deps, state: S) => Promise<R> | R,
  options: { requireRun?: boolean } = {},
) {
  const handler = middy(async (state: S, context: unknown) => {
    const result = await run(depsFrom(context), state);
    return { ...state, [resultKey]: result } as S & Record<K, R>;
  });
  handler.use(errorContract());
  if (options.requireRun !== false) handler.use(requireRunState());
  return readsContextDeps(handler);
}
