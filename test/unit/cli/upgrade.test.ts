import { describe, expect, it } from "vitest";
import type { CliIO } from "../../../src/cli/io";
import { main } from "../../../src/cli/main";

function capture(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), interactive: false };
}

describe("tug upgrade", () => {
  it("prints the phase plan with reasons and a predicted duration on a dry run, exit 0", async () => {
    const io = capture();
    expect(await main(["upgrade", "prod-eu", "--to", "1.33", "--sandbox", "upgrade", "--dry-run"], io)).toBe(0);
    const out = io.out.join("\n");
    expect(out).toMatch(
      /Upgrade plan 1\.30 → 1\.33: 3 control-plane update\(s\), \d+ add-on update\(s\), node group rolls system ×3, workers ×1/,
    );
    expect(out).toMatch(/control plane → 1\.31 via EKS/);
    expect(out).toMatch(/workers \(self-managed-asg, 6 nodes\): to the target version, once/);
    expect(out).toMatch(/predicted duration \d+h\d+m/);
    expect(out).toMatch(/^planned: prod-eu 1\.30 → 1\.33/m);
    expect(io.err.join("\n")).toMatch(/preflight passed/);
  });

  it("refuses a downgrade with exit 3; --json ends stdout with the result naming the cause", async () => {
    const io = capture();
    expect(await main(["upgrade", "prod-eu", "--to", "1.29", "--sandbox", "upgrade", "--json"], io)).toBe(3);
    const result = JSON.parse(io.out[io.out.length - 1] ?? "{}");
    expect(result).toMatchObject({
      outcome: "refused",
      fromVersion: "1.30",
      toVersion: "1.29",
      controlPlaneUpdates: 0,
    });
    expect(result.reason).toMatch(/cannot be downgraded/);
    for (const key of ["nodeGroupRolls", "addonUpdates", "maxKubeletSkewObserved", "durationSeconds"]) {
      expect(result).toHaveProperty(key);
    }
  });

  it("names what is wrong with the command line, exit 2", async () => {
    for (const [argv, message] of [
      [["upgrade", "prod-eu", "--sandbox", "upgrade"], /--to: expected the target Kubernetes version/],
      [
        ["upgrade", "prod-eu", "--to", "133", "--sandbox", "upgrade"],
        /--to: expected a Kubernetes minor version such as 1\.33, got "133"/,
      ],
      [["upgrade", "--to", "1.31"], /expected <cluster>/],
      [
        ["upgrade", "prod-eu", "--to", "1.31", "--max-parallel-rolls", "0", "--sandbox", "upgrade"],
        /--max-parallel-rolls: expected a positive whole number/,
      ],
      [["upgrade", "prod-eu", "--to", "1.31"], /TUGBOAT_UPGRADE_STATE_MACHINE_ARN/],
    ] as const) {
      const io = capture();
      expect(await main([...argv], io), argv.join(" ")).toBe(2);
      expect(io.err.join("\n")).toMatch(message);
    }
  });
});
