/**
 * `tug slack replay --sandbox <scenario> <requests.json> [--json]`: runs the real Slack function on a
 * list of requests, in order, at virtual times, against a sandbox whose scenario has a `slack` section
 * (docs/scenarios.md), and reports the answers, the executions started and what Slack would show. The
 * last stdout line with --json: { responses: [{ status, body }], executions: [{ name, workflow, outcome }],
 * messages: [{ ts, text, updates }] }.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { describeIssues } from "../../core/roll/input";
import { Sandbox } from "../../sandbox/sandbox";
import { loadScenario } from "../../sandbox/scenario/load";
import { type ReplayJson, replayRequestSchema, replaySlack } from "../../sandbox/slack/replay";
import { SandboxSlack } from "../../sandbox/slack/sandbox-slack";
import { parseCommand } from "../args";
import { type CliIO, UsageError } from "../io";

const USAGE = "tug slack replay --sandbox <scenario> <requests.json> [--json]";
const FLAGS = {
  sandbox: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function slackCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "replay")
    throw new UsageError(`unknown slack command "${sub ?? ""}": expected "replay"\nusage: ${USAGE}`);
  return slackReplayCommand(rest, io);
}

export async function slackReplayCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
  if (values.help) {
    io.stdout(`usage: ${USAGE}`);
    return 0;
  }
  if (!values.sandbox)
    throw new UsageError(`--sandbox <scenario> is required (AWS Slack runs answer real requests)\nusage: ${USAGE}`);
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError(`expected one requests file\nusage: ${USAGE}`);
  const requests = parseRequests(await readFile(file, "utf8"), file);
  const scenario = loadScenario(values.sandbox);
  if (!scenario.slack) {
    throw new UsageError(`scenario ${scenario.name ?? values.sandbox} has no "slack" section (docs/scenarios.md)`);
  }
  const sandbox = await Sandbox.start(scenario);
  let result: ReplayJson;
  try {
    const slack = await SandboxSlack.attach(sandbox, scenario.slack);
    try {
      result = await replaySlack(slack, requests);
    } finally {
      await slack.close();
    }
  } finally {
    await sandbox.close();
  }
  const out = values.json ? io.stderr : io.stdout;
  result.responses.forEach((r, i) => {
    out(`request ${i + 1} at +${r.at}s: ${r.status} ${answerText(r.body)}`);
  });
  for (const e of result.executions)
    out(`execution ${e.name} (${e.workflow}): ${e.outcome}${e.reason ? `: ${e.reason}` : ""}`);
  for (const m of result.messages) {
    out(`message ${m.ts}${m.threadTs ? ` in thread ${m.threadTs}` : ""} (${m.updates} updates): ${m.text}`);
  }
  if (values.json) io.stdout(JSON.stringify(result));
  return 0;
}

function answerText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { text?: string; challenge?: string };
    return parsed.text ?? parsed.challenge ?? body;
  } catch {
    return body;
  }
}

export function parseRequests(text: string, source: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source}: not JSON (${(err as Error).message})`);
  }
  const parsed = z.array(replayRequestSchema).safeParse(raw);
  if (!parsed.success) throw new UsageError(`${source}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}
