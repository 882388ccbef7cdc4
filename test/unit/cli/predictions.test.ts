/** `tug roll` and `tug upgrade` say what they predict and where the figures came from. */
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../../src/cli/io";
import { main } from "../../../src/cli/main";

function capture(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), interactive: false };
}

describe("predictions in the CLI", () => {
  it("tug roll --dry-run --json ends with predictedSeconds and estimateSource; the plan says it in words", async () => {
    const io = capture();
    expect(await main(["roll", "demo", "workers", "--sandbox", "small", "--dry-run", "--json"], io)).toBe(0);
    const result = JSON.parse(io.out[io.out.length - 1] ?? "{}");
    expect(result.dryRun).toBe(true);
    expect(result.predictedSeconds).toBeGreaterThan(0);
    expect(result.estimateSource).toBe("defaults");
    expect(io.err.join("\n")).toMatch(/predicted \d+ min, from defaults/);
  });

  it("tug upgrade --dry-run says where its prediction came from", async () => {
    const io = capture();
    expect(await main(["upgrade", "prod-eu", "--to", "1.31", "--sandbox", "upgrade", "--dry-run", "--json"], io)).toBe(
      0,
    );
    const result = JSON.parse(io.out[io.out.length - 1] ?? "{}");
    expect(result.predictedSeconds).toBeGreaterThan(0);
    expect(result.estimateSource).toBe("defaults");
  });
});
