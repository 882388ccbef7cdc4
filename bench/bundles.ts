/**
 * Bundle size and cold-start import time of every Lambda function the stack deploys, bundled the way
 * SST v2 bundles them for `sst deploy` (node_modules/sst/runtime/handlers/node.js): SST's own esbuild,
 * ESM with the createRequire banner, `keepNames`, SST's forced externals, then the function's `nodejs`
 * props (stacks/lib/bundling.ts) on top, exactly as SST merges them.
 *
 *   node --import tsx bench/bundles.ts            # a table
 *   node --import tsx bench/bundles.ts --json     # one JSON object on the last line
 *   node --import tsx bench/bundles.ts --runs 7   # import timings per bundle (median reported)
 *
 * Import time: a fresh `node` per run (the one in node_modules/.bin, the Lambda runtime's major) imports
 * the bundle and reports how long the import took; the median of the runs is printed. It is the part of
 * a cold start that the bundle decides (Lambda's own init comes on top).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BuildOptions, Metafile } from "esbuild";
import { type BundledFunction, bundledFunctions } from "../stacks/lib/bundling";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The esbuild SST resolves, not whichever one another package brought. */
const esbuild = createRequire(createRequire(join(root, "package.json")).resolve("sst/package.json"))(
  "esbuild",
) as typeof import("esbuild");

const KUBE_PACKAGE = "node_modules/@kubernetes/client-node/";

export interface BundleFigures {
  module: string;
  /** Bytes of JavaScript the function loads (its .mjs output). */
  codeBytes: number;
  /** Bytes of source map shipped beside it (0 when SST keeps maps out of the function's code). */
  sourceMapBytes: number;
  /** Bytes of the output that come from @kubernetes/client-node. */
  kubeClientBytes: number;
  /** Median milliseconds to import the bundle in a fresh node. */
  importMs: number;
}

/** SST v2's esbuild options for a `nodejs` function in deploy mode, ESM (its default format). */
export function sstBuildOptions(fn: BundledFunction, outfile: string): BuildOptions {
  const nodejs = fn.nodejs;
  const { external, ...override } = nodejs.esbuild ?? {};
  return {
    entryPoints: [join(root, `${fn.module}.ts`)],
    platform: "node",
    external: ["sharp", "pg-native", ...(nodejs.install ?? []), ...(external ?? [])],
    keepNames: true,
    bundle: true,
    logLevel: "silent",
    metafile: true,
    format: "esm",
    target: "esnext",
    mainFields: ["module", "main"],
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        `const require = topLevelCreateRequire(import.meta.url);`,
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
        nodejs.banner ?? "",
      ].join("\n"),
    },
    outfile,
    // SST: a map is always built; with `sourcemap` unset it is taken out of the function's code.
    sourcemap: nodejs.sourcemap !== false,
    minify: nodejs.minify,
    ...override,
  };
}

export async function bundleFunction(
  fn: BundledFunction,
  outDir: string,
): Promise<{ outfile: string; metafile: Metafile }> {
  const outfile = join(outDir, `${fn.module}.mjs`);
  const result = await esbuild.build(sstBuildOptions(fn, outfile));
  return { outfile, metafile: result.metafile! };
}

/** Bytes in the bundle's output that came from a package path (from the metafile). */
export function bytesFrom(metafile: Metafile, outfile: string, pathPart: string): number {
  const output = Object.entries(metafile.outputs).find(([path]) => resolve(root, path) === outfile)?.[1];
  if (!output) throw new Error(`metafile has no output ${outfile}`);
  return Object.entries(output.inputs)
    .filter(([path]) => path.includes(pathPart))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
}

function importMs(outfile: string, env: Record<string, string>): number {
  const node = join(root, "node_modules/.bin/node");
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); console.log(performance.now() - t);`;
  const run = spawnSync(node, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1", TUGBOAT_TABLE: "bench", ...env },
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`importing ${outfile} failed: ${run.stderr}`);
  return Number(run.stdout.trim().split("\n").at(-1));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function measureBundles(runs: number): Promise<BundleFigures[]> {
  const outDir = mkdtempSync(join(tmpdir(), "tugboat-bundles-"));
  try {
    const figures: BundleFigures[] = [];
    for (const fn of bundledFunctions()) {
      const { outfile, metafile } = await bundleFunction(fn, outDir);
      // SST ships the map only when `sourcemap` is set; otherwise it uploads it elsewhere.
      const shipsMap = fn.nodejs.sourcemap === true;
      const timings = Array.from({ length: runs }, () => importMs(outfile, fn.environment));
      figures.push({
        module: fn.module,
        codeBytes: statSync(outfile).size,
        sourceMapBytes: shipsMap ? statSync(`${outfile}.map`).size : 0,
        kubeClientBytes: bytesFrom(metafile, outfile, KUBE_PACKAGE),
        importMs: median(timings),
      });
    }
    return figures;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export function renderTable(figures: BundleFigures[]): string {
  const header = "| function | code | source map | of which @kubernetes/client-node | import (median) |";
  const rule = "| --- | ---: | ---: | ---: | ---: |";
  const rows = figures.map(
    (f) =>
      `| ${f.module} | ${kb(f.codeBytes)} | ${f.sourceMapBytes > 0 ? kb(f.sourceMapBytes) : "—"} | ${kb(f.kubeClientBytes)} | ${f.importMs.toFixed(0)} ms |`,
  );
  const total = figures.reduce((sum, f) => sum + f.codeBytes, 0);
  const withKube = figures.filter((f) => f.kubeClientBytes > 0).length;
  const summary =
    `${figures.length} functions, ${kb(total)} of code in all; ${withKube} carry @kubernetes/client-node; ` +
    `median import ${median(figures.map((f) => f.importMs)).toFixed(0)} ms`;
  return [header, rule, ...rows, "", summary].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const runsAt = argv.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) {
    console.error("--runs takes a whole number of runs, at least 1");
    return 2;
  }
  const figures = await measureBundles(runs);
  if (argv.includes("--json")) console.log(JSON.stringify({ runs, functions: figures }));
  else console.log(renderTable(figures));
  return 0;
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === "") {
  process.exitCode = await main(process.argv.slice(2));
}
