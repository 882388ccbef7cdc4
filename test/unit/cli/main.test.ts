import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../../src/cli/io";
import { main } from "../../../src/cli/main";

function capture(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), interactive: false };
}

const fixture = (name: string) => join(import.meta.dirname, "../../fixtures/scenarios", name);

describe("tug", () => {
  it("rejects an unknown flag with exit 2 and names it", async () => {
    const io = capture();
    expect(await main(["roll", "demo", "workers", "--sandbox", "small", "--max-surgee", "3"], io)).toBe(2);
    expect(io.err.join("\n")).toContain("--max-surgee");
  });

  it("rejects a bad --max-surge value, saying what it expects", async () => {
    const io = capture();
    expect(await main(["roll", "demo", "workers", "--sandbox", "small", "--max-surge", "lots"], io)).toBe(2);
    expect(io.err.join("\n")).toMatch(/--max-surge: expected a positive whole number/);
  });

  it("rejects a malformed scenario, naming the fields", async () => {
    const io = capture();
    expect(await main(["roll", "demo", "workers", "--sandbox", fixture("malformed.json")], io)).toBe(1);
    const message = io.err.join("\n");
    expect(message).toContain("cluster.kind");
    expect(message).toContain("cluster.nodeGroups.0.zones.us-east-1a");
  });

  it("rejects a scenario file that does not exist, and a cluster the scenario does not have", async () => {
    const missing = capture();
    expect(await main(["roll", "demo", "workers", "--sandbox", fixture("nope.json")], missing)).toBe(1);
    expect(missing.err.join("\n")).toMatch(/cannot read scenario .*nope\.json \(ENOENT\)/);
    const wrong = capture();
    expect(await main(["roll", "prod", "workers", "--sandbox", "small"], wrong)).toBe(2);
    expect(wrong.err.join("\n")).toContain('its cluster is "demo"');
  });

  it("needs a deployed state machine without --sandbox", async () => {
    const io = capture();
    const saved = process.env.TUGBOAT_ROLL_STATE_MACHINE_ARN;
    delete process.env.TUGBOAT_ROLL_STATE_MACHINE_ARN;
    try {
      expect(await main(["roll", "demo", "workers"], io)).toBe(2);
      expect(io.err.join("\n")).toMatch(/TUGBOAT_ROLL_STATE_MACHINE_ARN.*--sandbox/s);
    } finally {
      if (saved !== undefined) process.env.TUGBOAT_ROLL_STATE_MACHINE_ARN = saved;
    }
  });

  it("rejects an unknown command", async () => {
    const io = capture();
    expect(await main(["rol"], io)).toBe(2);
    expect(io.err[0]).toContain('unknown command "rol"');
  });
});
