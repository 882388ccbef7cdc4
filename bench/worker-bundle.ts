/**
 * A benchmark worker's code as one JavaScript file, built by esbuild as SST builds a function: the
 * repository's TypeScript bundled, packages left to Node. The worker then runs on plain Node, without
 * the TypeScript loader, whose own memory is not the roll's: tsx keeps the ES module lexer's scratch
 * buffer at the size of the largest module it ever lexed (25 MB once the AWS SDK's clients are loaded)
 * and a source map per module.
 *
 * Two things a bundle changes are put back: `import.meta.url` and `import.meta.dirname` keep naming
 * each source file (the runner finds its workflows, the scenario loader its files, by them), and the
 * step handlers the local runner would import by path are linked in (`linkHandlers`).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { workflows } from "../workflows";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Builds `entry` (a path from the repository root) and returns the bundle's path. */
export async function bundleWorker(entry: string): Promise<string> {
  // Inside node_modules, so the packages left out resolve from the bundle as from the sources.
  const outDir = join(root, "node_modules", ".cache", "tugboat");
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${entry.replaceAll("/", "-").replace(/\.ts$/, "")}.mjs`);
  const modules = [
    ...new Set(Object.values(workflows).flatMap((w) => Object.values(w.functions).map((f) => f.module))),
  ].sort();
  const contents = [
    `import "./bin/node-compat.mjs";`,
    `import { linkHandlers } from "./src/sandbox/runner/handlers";`,
    ...modules.map((module, i) => `import { handler as h${i} } from ${JSON.stringify(`./${module}`)};`),
    `linkHandlers({ ${modules.map((module, i) => `${JSON.stringify(module)}: h${i}`).join(", ")} });`,
    `import ${JSON.stringify(`./${entry}`)};`,
  ].join("\n");
  await build({
    stdin: { contents, resolveDir: root, loader: "ts", sourcefile: "worker-entry.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    outfile,
    plugins: [importMetaPerFile],
    // The repository's tsconfig names a target this esbuild does not know; `target` above is the one used.
    logLevel: "error",
    banner: {
      js: `import { createRequire as __workerRequire } from "node:module"; const require = __workerRequire(${JSON.stringify(pathToFileURL(join(root, "package.json")).href)});`,
    },
  });
  return outfile;
}

const IMPORT_META = /\bimport\.meta\.(url|dirname)\b/g;

const importMetaPerFile: Plugin = {
  name: "import-meta-per-file",
  setup(plugin) {
    plugin.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (source.search(IMPORT_META) === -1) return undefined;
      const values = { url: pathToFileURL(args.path).href, dirname: dirname(args.path) };
      return {
        loader: "ts",
        contents: source.replace(IMPORT_META, (_, property: "url" | "dirname") => JSON.stringify(values[property])),
      };
    });
  },
};
