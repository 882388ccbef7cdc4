import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { slackCommand } from "../../../src/cli/commands/slack";
import { type CliIO, UsageError } from "../../../src/cli/io";
import { signSlackRequest } from "../../../src/core/chatops/signature";

function capturingIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, interactive: false, stdout: (line) => out.push(line), stderr: (line) => err.push(line) };
}

const dir = mkdtempSync(join(tmpdir(), "tug-slack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function requestsFile(requests: unknown[]): string {
  const file = join(dir, `requests-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(requests));
  return file;
}

describe("tug slack replay", () => {
  it("runs raw and shorthand requests through the real handler; the last stdout line is the JSON result", async () => {
    // A raw request, signed by the caller at the sandbox's start (2026-01-01T00:00:00Z), with the scenario's secret.
    const timestamp = String(Date.UTC(2026, 0, 1) / 1000);
    const body = "ssl_check=1&token=x";
    const signature = signSlackRequest("8f742231b10e8888abcd99yyyzzz85a5", timestamp, body);
    const file = requestsFile([
      { at: 0, headers: { "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature }, body },
      { at: 1, command: "/tug help", user: "U1", channel: "C1" },
      { at: 2, command: "/tug upgrade prod-eu 1.31", user: "U1", channel: "C1", secret: "wrong" },
      { at: 3, command: "/tug upgrade prod-eu 1.31", user: "U1", channel: "C1", team: "T9" },
      { at: 4, command: "/tug upgrade prod-eu 1.31", user: "U9", channel: "C1" },
    ]);
    const io = capturingIO();
    expect(await slackCommand(["replay", "--sandbox", "slack", file, "--json"], io)).toBe(0);
    const result = JSON.parse(io.out.at(-1)!);
    expect(result.responses.map((r: { status: number }) => r.status)).toEqual([200, 200, 401, 200, 200]);
    expect(JSON.parse(result.responses[1].body).text).toContain("/tug upgrade <cluster> <version>");
    expect(JSON.parse(result.responses[3].body).text).toBe("Not allowed: team T9 is not allowed.");
    expect(JSON.parse(result.responses[4].body).text).toBe("Not allowed: user U9 may not upgrade prod-eu.");
    expect(result.executions).toEqual([]);
    expect(result.messages).toEqual([]);
    expect(io.err.join("\n")).toContain("request 3 at +2s: 401");
  });

  it("says what is wrong with the arguments and the requests file", async () => {
    await expect(slackCommand(["replay", requestsFile([])], capturingIO())).rejects.toThrow(UsageError);
    await expect(slackCommand(["replay", "--sandbox", "small", requestsFile([])], capturingIO())).rejects.toThrow(
      'scenario small has no "slack" section',
    );
    await expect(
      slackCommand(
        ["replay", "--sandbox", "slack", requestsFile([{ at: 0, click: "maybe", user: "U1" }])],
        capturingIO(),
      ),
    ).rejects.toThrow(UsageError);
    await expect(slackCommand(["send"], capturingIO())).rejects.toThrow('unknown slack command "send"');
  });
});
