/**
 * How the local runner finds the handler a Lambda placeholder invokes: the deployed module, by its path
 * from the repository root, imported once and kept. A bundled runner (bench/worker-bundle.ts) has no
 * loader to import `.ts` files by path, so its handlers are linked in ahead of time.
 */
import { resolve } from "node:path";

export type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const handlerCache = new Map<string, Handler>();
const repoRoot = resolve(import.meta.dirname, "../../..");

/** Handlers by module path ("functions/steps/plan-roll"), for a runner that cannot import them by path. */
export function linkHandlers(handlers: Record<string, Handler>): void {
  for (const [module, handler] of Object.entries(handlers)) handlerCache.set(module, handler);
}

export async function loadHandler(module: string): Promise<Handler> {
  const cached = handlerCache.get(module);
  if (cached) return cached;
  const loaded = (await import(resolve(repoRoot, `${module}.ts`))) as { handler?: Handler };
  if (typeof loaded.handler !== "function") throw new Error(`${module} exports no handler`);
  handlerCache.set(module, loaded.handler);
  return loaded.handler;
}
