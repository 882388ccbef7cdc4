/**
 * What the stacks deploy as code. Bundling every function the way `sst deploy` does (61 esbuild
 * bundles of a few MB each, minified, with source maps) costs minutes of CPU, so the two things it
 * shows are checked apart:
 *
 * - SST's own deploy build (its esbuild options, output paths, package install, S3 asset) turns a
 *   function's props into Handler `<module>.handler`, Runtime nodejs22.x and an S3 asset holding the
 *   bundle: run for real on the Events and ChatOps stacks (`sst deploy Events ChatOps`), whose functions
 *   carry both bundling variants (with the Kubernetes client, and with it folded away). stack.test.ts
 *   checks that every step hands SST the same kind of props (handler, runtime, bundling variant).
 * - Every function the stacks deploy bundles with its deploy options: one esbuild build per bundling
 *   variant with every entry point at once, SST's options (bench/bundles.ts) plus code splitting, so
 *   modules shared by the entry points are parsed and printed once instead of once per function.
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type { Template } from "aws-cdk-lib/assertions";
import type { Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sstBuildOptions } from "../../bench/bundles";
import { type BundledFunction, bundledFunctions, nodejsBundling } from "../../stacks/lib/bundling";
import { RECEIVE_FUNCTION } from "../../stacks/lib/receive-function";
import { slackFunction, slackProgressFunction } from "../../workflows/index";
import { type SynthesizedApp, synthesizeTugboat } from "./synthesize";
import { resourcesOfType } from "./template-queries";

const ROOT = resolve(import.meta.dirname, "../..");
/** The esbuild SST bundles with (bench/bundles.ts resolves the same one). */
const esbuild = createRequire(createRequire(join(ROOT, "package.json")).resolve("sst/package.json"))(
  "esbuild",
) as typeof import("esbuild");

/** A template as JSON without what SST's bundling decides: each function's code and handler. */
function withoutCode(template: Template): Record<string, unknown> {
  const json = structuredClone(template.toJSON()) as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    Outputs?: Record<string, unknown>;
  };
  for (const resource of Object.values(json.Resources)) {
    if (resource.Type !== "AWS::Lambda::Function") continue;
    delete resource.Properties!["Code"];
    delete resource.Properties!["Handler"];
  }
  // SST's console metadata (it records whether a source map was uploaded apart).
  delete json.Outputs?.["SSTMetadata"];
  return json;
}

describe("SST's deploy build of the Events and ChatOps stacks", () => {
  const settings = { clusters: "prod-eu" };
  let synth: SynthesizedApp;
  let unbundled: SynthesizedApp;

  beforeAll(async () => {
    synth = await synthesizeTugboat({ stage: "test", settings, bundle: ["Events", "ChatOps"] });
    unbundled = await synthesizeTugboat({ stage: "test", settings, bundle: false });
  }, 300_000);

  afterAll(() => {
    synth?.dispose();
    unbundled?.dispose();
  });

  it("changes nothing in any stack but the built functions' code and handler (what stack.test.ts relies on)", () => {
    for (const stack of ["state", "workflows", "events", "chatops"] as const) {
      expect(withoutCode(synth[stack]), stack).toEqual(withoutCode(unbundled[stack]));
    }
    // One built, one not: SST's placeholder code is in the unbundled synthesis only.
    const handlers = (template: Template) =>
      resourcesOfType(template, "AWS::Lambda::Function").map(([, fn]) => fn.Properties!["Handler"]);
    expect(handlers(unbundled.events)).toContain("index.placeholder");
    expect(handlers(synth.events)).not.toContain("index.placeholder");
  });

  const deployed = [
    { template: () => synth.events, spec: RECEIVE_FUNCTION },
    { template: () => synth.chatops, spec: slackFunction },
    { template: () => synth.chatops, spec: slackProgressFunction },
  ];

  it("covers both bundling variants: with the Kubernetes client and with it folded away", () => {
    const variants = new Set(deployed.map(({ spec }) => JSON.stringify(nodejsBundling(spec))));
    const all = new Set(bundledFunctions().map((fn) => JSON.stringify(fn.nodejs)));
    expect(variants).toEqual(all);
    expect(all.size).toBe(2);
  });

  it("deploys each function as an S3 asset of its bundle, with handler <module>.handler on nodejs22.x", () => {
    for (const { template, spec } of deployed) {
      const fns = resourcesOfType(template(), "AWS::Lambda::Function").filter(
        ([, fn]) => fn.Properties!["Handler"] === `${spec.module}.handler`,
      );
      expect(fns, spec.module).toHaveLength(1);
      const props = fns[0]![1].Properties!;
      expect(props["Runtime"], spec.module).toBe("nodejs22.x");
      expect(props["Code"], spec.module).toEqual({
        S3Bucket: expect.anything(),
        S3Key: expect.stringMatching(/\.zip$/),
      });
    }
  });

  it("builds each function's bundle and its source map at the handler's path, as the asset SST uploads", () => {
    const outputs = readdirSync(synth.artifacts, { recursive: true, encoding: "utf8" });
    for (const { spec } of deployed) {
      const bundle = outputs.filter((path) => path.endsWith(`${spec.module}.mjs`));
      expect(bundle, spec.module).toHaveLength(1);
      // `sourcemap: true` ships the map beside the code (SST uploads it apart only when unset).
      expect(existsSync(join(synth.artifacts, `${bundle[0]}.map`)), spec.module).toBe(true);
    }
  });
});

/** The entry point's output and every chunk it imports statically: what the function loads. */
function loadedOutputs(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of metafile.outputs[path]!.imports) {
      if (imported.kind === "import-statement" && metafile.outputs[imported.path]) visit(imported.path);
    }
  };
  visit(entry);
  return [...seen];
}

describe("every function the stacks deploy", () => {
  const variants = new Map<string, BundledFunction[]>();
  for (const fn of bundledFunctions()) {
    const key = JSON.stringify(fn.nodejs);
    variants.set(key, [...(variants.get(key) ?? []), fn]);
  }

  it("bundles with its deploy options, every entry point resolved, in one build per bundling variant", async () => {
    expect(variants.size).toBe(2);
    let built = 0;
    for (const fns of variants.values()) {
      const { entryPoints: _one, outfile: _out, ...options } = sstBuildOptions(fns[0]!, "unused");
      const result = await esbuild.build({
        ...options,
        entryPoints: fns.map((fn) => ({ in: join(ROOT, `${fn.module}.ts`), out: fn.module })),
        outdir: join(ROOT, ".bundle-check"),
        outExtension: { ".js": ".mjs" },
        splitting: true,
        write: false,
      });
      expect(result.errors).toEqual([]);
      const metafile = result.metafile!;
      for (const fn of fns) {
        const entry = Object.entries(metafile.outputs).filter(([, output]) => output.entryPoint === `${fn.module}.ts`);
        expect(
          entry.map(([path]) => path),
          fn.module,
        ).toEqual([`.bundle-check/${fn.module}.mjs`]);
        const inputs = loadedOutputs(metafile, entry[0]![0]).flatMap((path) =>
          Object.keys(metafile.outputs[path]!.inputs),
        );
        expect(inputs, fn.module).toContain(`${fn.module}.ts`);
        expect(inputs, fn.module).toContain("src/adapters/deps.ts");
        built++;
      }
    }
    expect(built).toBe(bundledFunctions().length);
  }, 120_000);
});
