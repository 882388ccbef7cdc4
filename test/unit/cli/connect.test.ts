/** `tug doctor` and `tug connect` as an operator runs them against the never-seen sandbox. */
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../../src/cli/io";
import { main } from "../../../src/cli/main";

function capture(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), interactive: false };
}

describe("tug doctor and tug connect", () => {
  it("doctor exits 1 and ends with { ok, checks } naming each missing piece and its fix", async () => {
    const io = capture();
    expect(await main(["doctor", "shop", "--sandbox", "never-seen", "--json"], io)).toBe(1);
    const report = JSON.parse(io.out.at(-1) as string) as {
      ok: boolean;
      checks: { name: string; ok: boolean; detail: string; fix: string | null }[];
    };
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === "rbac ClusterRole tugboat-steps")).toEqual({
      name: "rbac ClusterRole tugboat-steps",
      ok: false,
      detail: "missing",
      fix: "tug connect shop --sandbox never-seen",
    });
    expect(report.checks.find((c) => c.name === "authentication-mode")?.fix).toBeNull();
  });

  it("connect --dry-run prints each change and makes none; --then-roll connects and rolls in one sandbox", async () => {
    const dry = capture();
    expect(await main(["connect", "shop", "--sandbox", "never-seen", "--dry-run", "--group", "workers"], dry)).toBe(0);
    expect(dry.out).toContain("would create ClusterRole tugboat-steps");
    expect(dry.out).toContain(
      "would tag auto-scaling-group shop-workers tugboat:cluster=shop, tugboat:nodegroup=workers",
    );
    expect(dry.out.some((l) => l.includes("shop-system"))).toBe(false);
    expect(dry.out).toContain("shop: 7 changes to make (dry run, nothing changed)");

    const io = capture();
    expect(await main(["connect", "shop", "--sandbox", "never-seen", "--then-roll", "workers", "--json"], io)).toBe(0);
    const result = JSON.parse(io.out.at(-1) as string);
    expect(result).toMatchObject({
      outcome: "connected",
      doctorBefore: { ok: false },
      doctorAfter: { ok: true },
      roll: { outcome: "succeeded", nodesReplaced: 4 },
    });
    expect(result.changes).toHaveLength(9);
  });

  it("refuses --then-roll outside the sandbox", async () => {
    const io = capture();
    expect(await main(["connect", "shop", "--then-roll", "workers"], io)).toBe(2);
    expect(io.err.join("\n")).toContain("--then-roll needs --sandbox");
  });
});
