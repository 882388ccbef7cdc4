/**
 * `tug events replay --sandbox <scenario> <event-file> [--node <name>] [--times N] [--json]`: sends a raw
 * EventBridge event through the real receive handler against a sandbox node and prints what happened.
 * The event is aimed at the node: its instance ids become the node's instance id, its time the sandbox's
 * now, a lifecycle action's group the node's group. `--times 3` delivers the very same event three times
 * (at-least-once delivery), which must end in one reaction.
 */
import { readFile } from "node:fs/promises";
import { InvalidInputError } from "../../core/errors";
import { actionForEvent } from "../../core/events/action";
import { decisionSummary, describeDecision } from "../../core/events/describe";
import { parseClusterEvent, parseEventText } from "../../core/events/parse";
import { ASG_NAME_TAG } from "../../core/events/react/identity";
import { Sandbox } from "../../sandbox/sandbox";
import { type DeliveryReport, SandboxEvents } from "../../sandbox/sandbox-events";
import { loadScenario } from "../../sandbox/scenario/load";
import { parseCommand, positiveInt } from "../args";
import { type CliIO, type Command, UsageError } from "../io";
import { writeReactionReports } from "../report/sandbox-reports";
import { RunRecorder } from "../report/write";

const USAGE =
  "tug events replay --sandbox <scenario> <event-file> [--node <name>] [--times N] [--json] [--report <file.html>]";
const FLAGS = {
  sandbox: { type: "string" },
  report: { type: "string" },
  node: { type: "string" },
  times: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** At most this many deliveries: enough to show deduplication, few enough to read. */
const MAX_TIMES = 20;

export interface ReplayTarget {
  nodeName: string;
  instanceId: string;
  groupName: string | null;
  nowIso: string;
  region: string;
}

/**
 * The event text aimed at the target: template expressions filled (the NTH e2e heredoc's
 * `$(date …)` and `${instance_id}`), every instance id it names replaced by the target's, its time
 * made now, and a lifecycle action's group made the target's group.
 */
export function aimEvent(text: string, target: ReplayTarget): string {
  const filled = text.replace(/\$\(date [^)]*\)/g, target.nowIso).replace(/\$\{instance_id\}/g, target.instanceId);
  let raw: unknown;
  try {
    raw = JSON.parse(filled);
  } catch {
    return filled; // not JSON: parseEventText says so, with the parser's words
  }
  const ids = parseClusterEvent(raw).instanceIds.filter((id) => id !== target.instanceId);
  let aimed = filled;
  for (const id of ids) aimed = aimed.split(id).join(target.instanceId);
  const event = JSON.parse(aimed) as Record<string, unknown>;
  if (typeof event.time === "string") event.time = target.nowIso;
  if (typeof event.Time === "string") event.Time = target.nowIso;
  if (typeof event.region === "string") event.region = target.region;
  const detail = (event.detail ?? event) as Record<string, unknown>;
  if (target.groupName && typeof detail.AutoScalingGroupName === "string") {
    detail.AutoScalingGroupName = target.groupName;
  }
  return JSON.stringify(event);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Lines describing one delivery, times relative to `originMs` (when the event happened). */
export function describeDelivery(report: DeliveryReport, index: number, originMs: number): string[] {
  const lines: string[] = [];
  const head = `delivery ${index} at +${seconds(report.deliveredAtMs - originMs)}`;
  if (report.error) return [`${head}: failed, handed back to SQS for redelivery: ${report.error}`];
  const outcome = report.outcome;
  if (!outcome) return [`${head}: no deployed rule matches this event, so EventBridge would not deliver it`];
  lines.push(`${head}: ${outcome.outcome}: ${outcome.reason}`);
  if ("instances" in outcome) {
    for (const instance of outcome.instances)
      lines.push(`  ${instance.instanceId}: ${instance.outcome}: ${instance.reason}`);
  }
  for (const reaction of report.reactions) {
    const summary = reaction.summary;
    lines.push(
      `  reaction ${reaction.executionName}: ${reaction.action}, ${reaction.status.toLowerCase()} after ${seconds(reaction.endedAtMs - reaction.startedAtMs)}: ${summary?.reason ?? "(no summary)"}`,
    );
    const marks: string[] = [];
    if (reaction.cordonedAtMs !== undefined) marks.push(`cordoned at +${seconds(reaction.cordonedAtMs - originMs)}`);
    if (reaction.drainedAtMs !== undefined) marks.push(`drained at +${seconds(reaction.drainedAtMs - originMs)}`);
    if (summary?.lifecycleCompleted) marks.push(`lifecycle action: ${summary.lifecycleCompleted}`);
    if (marks.length > 0) lines.push(`    ${marks.join(", ")}`);
    for (const note of summary?.notes ?? []) lines.push(`    ${note}`);
  }
  return lines;
}

export function deliveryJson(report: DeliveryReport, originMs: number) {
  return {
    messageId: report.messageId,
    eventId: report.eventId,
    deliveredAfterSeconds: (report.deliveredAtMs - originMs) / 1000,
    rules: report.rules,
    outcome: report.outcome?.outcome ?? (report.error ? "failed" : "not-delivered"),
    reason: report.error ?? report.outcome?.reason ?? "no deployed rule matches this event",
    reactions: report.reactions.map((r) => ({
      executionName: r.executionName,
      instanceId: r.instanceId,
      action: r.action,
      status: r.status,
      outcome: r.summary?.outcome ?? null,
      reason: r.summary?.reason ?? null,
      podsEvicted: r.summary?.podsEvicted ?? 0,
      lifecycleCompleted: r.summary?.lifecycleCompleted ?? null,
      cordonedAfterSeconds: r.cordonedAtMs === undefined ? null : (r.cordonedAtMs - originMs) / 1000,
      drainedAfterSeconds: r.drainedAtMs === undefined ? null : (r.drainedAtMs - originMs) / 1000,
    })),
  };
}

function pickNode(sandbox: Sandbox, wanted: string | undefined): { name: string; instanceId: string } {
  const nodes = [...sandbox.cluster.nodes()].sort((a, b) => a.name.localeCompare(b.name));
  if (wanted) {
    const node = nodes.find((n) => n.name === wanted || n.instanceId === wanted);
    if (!node) {
      const names = nodes.slice(0, 5).map((n) => n.name);
      throw new UsageError(
        `--node ${wanted}: no such node in the sandbox (nodes: ${names.join(", ")}${nodes.length > 5 ? `, and ${nodes.length - 5} more` : ""})`,
      );
    }
    return node;
  }
  // By default, the node running the most workload pods: the one a reaction has most to do on.
  const busiest = [...nodes].sort((a, b) => b.workloadPods - a.workloadPods || a.name.localeCompare(b.name))[0];
  if (!busiest) throw new Error("the sandbox cluster has no nodes");
  return busiest;
}

export interface ReplayReaders {
  readFile(path: string): Promise<string>;
}

export function createEventsReplayCommand(readers: ReplayReaders = { readFile: (p) => readFile(p, "utf8") }): Command {
  return async (argv: string[], io: CliIO): Promise<number> => {
    const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
    if (values.help) {
      io.stdout(`usage: ${USAGE}`);
      return 0;
    }
    if (!values.sandbox) {
      throw new UsageError(`replay runs against the sandbox only: give --sandbox <scenario>\nusage: ${USAGE}`);
    }
    const [path, ...extra] = positionals;
    if (!path) throw new UsageError(`missing <event-file>\nusage: ${USAGE}`);
    if (extra.length > 0) throw new UsageError(`one event file at a time, got ${positionals.length}\nusage: ${USAGE}`);
    const times = positiveInt(values.times, "--times") ?? 1;
    if (times > MAX_TIMES) throw new UsageError(`--times: at most ${MAX_TIMES}, got ${times}`);
    const scenario = loadScenario(values.sandbox);

    let text: string;
    try {
      text = await readers.readFile(path);
    } catch (err) {
      io.stderr(`tug events replay: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }

    const sandbox = await Sandbox.start(scenario);
    try {
      const node = pickNode(sandbox, values.node);
      const [instance] = await sandbox.deps.ec2.describeInstances([node.instanceId]);
      const target: ReplayTarget = {
        nodeName: node.name,
        instanceId: node.instanceId,
        groupName: instance?.tags[ASG_NAME_TAG] ?? null,
        nowIso: sandbox.clock.now().toISOString(),
        region: scenario.region,
      };
      const aimed = aimEvent(text, target);
      let decision: ReturnType<typeof actionForEvent>;
      try {
        decision = actionForEvent(parseEventText(aimed), { now: sandbox.clock.now() });
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        io.stderr(`tug events replay: ${path} is ${err.message}`);
        return 1;
      }
      io.stderr(
        `Tugboat sandbox ${scenario.name ?? values.sandbox}: replaying ${path} against node ${node.name} (${node.instanceId})${times > 1 ? `, ${times} times` : ""}`,
      );
      io.stdout(`decision: ${describeDecision(decision)}`);

      const recorder = new RunRecorder();
      const events = await SandboxEvents.attach(sandbox, { bypassRules: true, onReactionEvent: recorder.onEvent });
      const originMs = sandbox.clock.nowMs();
      const before = sandbox.cluster.metrics();
      const reports: DeliveryReport[] = [];
      for (let i = 1; i <= times; i++) {
        const report = await events.deliver(aimed);
        reports.push(report);
        if (report.rules.length === 0 && i === 1) {
          io.stdout(
            "note: no deployed rule matches this event; EventBridge would not deliver it (delivered here all the same)",
          );
        }
        for (const line of describeDelivery(report, i, originMs)) io.stdout(line);
      }
      const after = sandbox.cluster.metrics();
      const reactions = reports.flatMap((r) => r.reactions);
      const pdbViolations = after.pdbViolations - before.pdbViolations;
      const podsLost = after.podsLost - before.podsLost;
      io.stdout(
        `${reactions.length} reaction${reactions.length === 1 ? "" : "s"} for ${times} deliver${times === 1 ? "y" : "ies"}; PDB violations ${pdbViolations}, pods lost ${podsLost}`,
      );
      const failed = reports.some((r) => r.error) || reactions.some((r) => r.status !== "SUCCEEDED");
      if (values.report) {
        for (const path of writeReactionReports(values.report, recorder, reactions, scenario.name ?? values.sandbox, {
          pdbViolations,
          podsLost,
        }))
          io.stderr(`report: ${path}`);
      }
      if (values.json) {
        io.stdout(
          JSON.stringify({
            scenario: scenario.name ?? values.sandbox,
            node: node.name,
            instanceId: node.instanceId,
            decision: decisionSummary(decision),
            deliveries: reports.map((r) => deliveryJson(r, originMs)),
            reactions: reactions.length,
            pdbViolations,
            podsLost,
          }),
        );
      }
      return failed ? 1 : 0;
    } finally {
      await sandbox.close();
    }
  };
}

export const eventsReplayCommand: Command = createEventsReplayCommand();
