/**
 * A step without `kube` access is bundled, as the stack bundles it (bench/bundles.ts, SST v2's esbuild
 * options), without the Kubernetes client, though it builds its dependencies with the same deps builder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleFunction } from "../../bench/bundles";
import { bundledFunctions, DEFAULT_NODEJS_BUNDLING } from "../../stacks/lib/bundling";

const outDir = mkdtempSync(join(tmpdir(), "tugboat-bundling-test-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("function bundles", () => {
  it("leaves @kubernetes/client-node out of a step that never talks to Kubernetes", async () => {
    const step = bundledFunctions().find((fn) => fn.module === "functions/steps/acquire-lock")!;
    expect(step.nodejs).toMatchObject({ ...DEFAULT_NODEJS_BUNDLING, esbuild: { define: expect.any(Object) } });
    const { metafile } = await bundleFunction(step, outDir);
    const inputs = Object.keys(metafile.inputs);
    // The same deps builder as every step, with its lazy Kubernetes import folded away.
    expect(inputs).toContain("src/adapters/deps.ts");
    expect(inputs.filter((path) => path.includes("@kubernetes/client-node"))).toEqual([]);
    expect(inputs).not.toContain("src/adapters/kube/kube-client.ts");
  }, 60_000);

  it("bundles every step that has kube access with the full default options", () => {
    const kube = bundledFunctions().filter((fn) => fn.module !== "functions/events/receive");
    const withClient = kube.filter((fn) => fn.nodejs === DEFAULT_NODEJS_BUNDLING).map((fn) => fn.module);
    expect(withClient).toContain("functions/steps/advance-roll");
    expect(withClient).not.toContain("functions/steps/acquire-lock");
    expect(bundledFunctions().find((fn) => fn.module === "functions/events/receive")?.nodejs).toBe(
      DEFAULT_NODEJS_BUNDLING,
    );
  });
});
