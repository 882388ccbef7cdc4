import { describe, expect, it } from "vitest";
import { createEventsExplainCommand, eventsExplainCommand } from "../../../src/cli/commands/events-explain";
import { type CliIO, UsageError } from "../../../src/cli/io";
import { AWS_EVENT_FIXTURES_DIR, loadAwsEventFixture } from "../core/events/aws-event-fixtures";

function capturingIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, interactive: false, stdout: (line) => out.push(line), stderr: (line) => err.push(line) };
}

/** A command reading from an in-memory set of files and a given stdin. */
function commandWith(files: Record<string, string>, stdin = "") {
  return createEventsExplainCommand({
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
    readStdin: async () => stdin,
  });
}

const spotNth = loadAwsEventFixture("ec2-spot-interruption-warning.nth.json");

describe("tug events explain", () => {
  it("explains a published sample read from disk", async () => {
    const io = capturingIO();
    const code = await eventsExplainCommand([`${AWS_EVENT_FIXTURES_DIR}ec2-spot-interruption-warning.nth.json`], io);
    expect(code).toBe(0);
    expect(io.out).toEqual([
      "drain i-0b662ef9931388ba0 before 1970-01-01T00:02:00Z: Spot interruption warning (terminate) gives two minutes",
    ]);
    expect(io.err).toEqual([]);
  });

  it("ends stdout with the decision as one JSON line under --json", async () => {
    const io = capturingIO();
    const code = await commandWith({ "spot.json": spotNth })(["spot.json", "--json"], io);
    expect(code).toBe(0);
    expect(io.out).toHaveLength(2);
    expect(JSON.parse(io.out.at(-1)!)).toEqual({
      kind: "spot-interruption",
      action: "drain",
      instanceIds: ["i-0b662ef9931388ba0"],
      deadline: "1970-01-01T00:02:00Z",
      reason: "Spot interruption warning (terminate) gives two minutes",
    });
  });

  it("writes a null deadline for an event without one", async () => {
    const io = capturingIO();
    const text = loadAwsEventFixture("ec2-spot-interruption-warning.json");
    expect(await commandWith({}, text)(["--json", "-"], io)).toBe(0);
    expect(JSON.parse(io.out.at(-1)!)).toMatchObject({ action: "drain", deadline: null });
  });

  it("reads the event from stdin for -", async () => {
    const io = capturingIO();
    const text = loadAwsEventFixture("asg-lifecycle-hook-notification.sqs-sns.txt");
    expect(await commandWith({}, text)(["-"], io)).toBe(0);
    expect(io.out[0]).toMatch(/^wait for i-0598c7d356eba48d7 to be a Ready node/);
  });

  it("exits 0 and says why for an event Tugboat ignores", async () => {
    const io = capturingIO();
    const text = loadAwsEventFixture("asg-instance-refresh-started.json");
    expect(await commandWith({ "e.json": text })(["e.json", "--json"], io)).toBe(0);
    expect(JSON.parse(io.out.at(-1)!)).toMatchObject({ kind: "unknown", action: "ignore", instanceIds: [] });
  });

  it.each([
    ["missing.json", {}, "cannot read missing.json: ENOENT"],
    ["bad.json", { "bad.json": "Service: AWS Auto Scaling" }, "bad.json is not JSON"],
    [
      "other.json",
      { "other.json": '{"hello": 1}' },
      "other.json is not an EventBridge event (missing detail-type/source/detail)",
    ],
  ])("exits 1 with a message on stderr for %s", async (path, files, message) => {
    const io = capturingIO();
    expect(await commandWith(files)([path, "--json"], io)).toBe(1);
    expect(io.out).toEqual([]);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toContain(message);
  });

  it("exits 1 when stdin is empty", async () => {
    const io = capturingIO();
    expect(await commandWith({}, "")(["-"], io)).toBe(1);
    expect(io.err[0]).toContain("stdin is not JSON");
  });

  it.each([[[]], [["a.json", "b.json"]], [["--yaml", "a.json"]], [["-x"]]])(
    "throws UsageError for %j",
    async (argv) => {
      await expect(commandWith({})(argv, capturingIO())).rejects.toBeInstanceOf(UsageError);
    },
  );

  it("prints its usage for --help", async () => {
    const io = capturingIO();
    expect(await commandWith({})(["--help"], io)).toBe(0);
    expect(io.out[0]).toMatch(/^usage: tug events explain/);
  });
});
