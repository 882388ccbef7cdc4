/** `tug rebalance` as an operator runs it against the rebalance sandbox. */
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../../src/cli/io";
import { main } from "../../../src/cli/main";

function capture(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), interactive: false };
}

describe("tug rebalance", () => {
  it("--dry-run --json: progress on stderr, the last stdout line is the result, nothing changed", async () => {
    const io = capture();
    const code = await main(["rebalance", "orders", "--sandbox", "rebalance", "--dry-run", "--json"], io);
    expect(code, io.err.join("\n")).toBe(0);
    const result = JSON.parse(io.out.at(-1) as string);
    expect(Object.keys(result).slice(0, 9)).toEqual([
      "outcome",
      "before",
      "after",
      "launched",
      "removed",
      "pendingZonalPodsBefore",
      "pendingZonalPodsAfter",
      "pdbViolations",
      "podsLost",
    ]);
    expect(result.outcome).toBe("succeeded");
    expect(result.before).toEqual({ "us-east-1a": 5, "us-east-1b": 4, "us-east-1c": 0 });
    expect(result.after).toEqual(result.before);
    expect(result.launched + result.removed).toBe(0);
    expect(result.pendingZonalPodsBefore).toBe(3);
    expect(io.err.some((line) => line.includes("Observe and check"))).toBe(true);
  });

  it("refuses a cluster the scenario does not hold, with a usage error", async () => {
    const io = capture();
    expect(await main(["rebalance", "nope", "--sandbox", "rebalance"], io)).toBe(2);
    expect(io.err.join("\n")).toMatch(/cluster "nope" is not in scenario rebalance/);
  });
});
