/**
 * How each Lambda function is bundled: the `nodejs` props SST v2 hands to its esbuild (ESM, minified,
 * with a source map shipped beside the code, to map a stack trace back to the source). bench/bundles.ts
 * bundles with the same props to measure what the stack deploys.
 *
 * A function whose access list has no `kube` is bundled without the Kubernetes client: the define below
 * folds the lazy import in src/adapters/deps.ts (loadKubeClient) into a rejection, and esbuild does not
 * bundle an import in a folded-away branch.
 */
import { type StepFunctionSpec, slackFunction, slackProgressFunction, workflows } from "../../workflows/index";
import { RECEIVE_FUNCTION } from "./receive-function";

/** The subset of SST v2's NodeJSProps Tugboat sets (sst/constructs Function `nodejs`). */
export interface NodejsBundling {
  format?: "esm" | "cjs";
  minify?: boolean;
  sourcemap?: boolean;
  banner?: string;
  install?: string[];
  esbuild?: { external?: string[]; define?: Record<string, string> };
}

/** What src/adapters/deps.ts compares `process.env.TUGBOAT_KUBE_CLIENT` with. */
export const KUBE_CLIENT_DEFINE = { "process.env.TUGBOAT_KUBE_CLIENT": JSON.stringify("omitted") };

/** For functions outside the workflows (SST's defaults): everything bundled, minified, mapped. */
export const DEFAULT_NODEJS_BUNDLING: NodejsBundling = { format: "esm", minify: true, sourcemap: true };

/**
 * SST merges a function's `nodejs` over the app default as a whole (not field by field), so each
 * function gets the complete props.
 */
export function nodejsBundling(spec: StepFunctionSpec): NodejsBundling {
  if (spec.access.includes("kube")) return DEFAULT_NODEJS_BUNDLING;
  return { ...DEFAULT_NODEJS_BUNDLING, esbuild: { define: KUBE_CLIENT_DEFINE } };
}

/**
 * Environment every function gets from its bundling: none. The source map ships beside the code, but
 * `NODE_OPTIONS=--enable-source-maps` is not set by default: Node then parses the map (5–10 MB) at every
 * cold start, about 0.2 s more per import (bench/README.md). Set it on a function while debugging.
 */
export const BUNDLED_FUNCTION_ENVIRONMENT: Record<string, string> = {};

export interface BundledFunction {
  module: string;
  nodejs: NodejsBundling;
  /** Environment the bundle's code sees at import time that the bundling decides. */
  environment: Record<string, string>;
}

/** Every function the stacks deploy, once per module: the workflow steps, then the receive function. */
export function bundledFunctions(): BundledFunction[] {
  const specs = new Map<string, StepFunctionSpec>();
  for (const workflow of Object.values(workflows)) {
    for (const spec of Object.values(workflow.functions)) if (!specs.has(spec.module)) specs.set(spec.module, spec);
  }
  specs.set(RECEIVE_FUNCTION.module, RECEIVE_FUNCTION);
  for (const spec of [slackFunction, slackProgressFunction]) specs.set(spec.module, spec);
  return [...specs.values()].map((spec) => ({
    module: spec.module,
    nodejs: nodejsBundling(spec),
    environment: BUNDLED_FUNCTION_ENVIRONMENT,
  }));
}
