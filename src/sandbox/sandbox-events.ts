/**
 * EC2 instance events in the sandbox, end to end: a raw event goes through the same rule patterns the
 * stack deploys, into the real receive handler (functions/events/receive.ts) as an SQS message, and the
 * reaction workflows it starts run in the local interpreter on the virtual clock.
 *
 * Modelled delays: an event reaches the receive function DELIVERY_SECONDS after it is emitted (the
 * EventBridge → SQS → Lambda poller path takes well under a second to a few seconds in practice), and
 * the invocation costs modelled time as a workflow step does (a sampled duration plus its API calls).
 * Reactions started by one delivery run one after the other (the local interpreter runs one execution
 * at a time); events the region emits meanwhile wait for `deliverRegionEvents`.
 */

import type { SQSEvent } from "aws-lambda";
import type { ReceiveDeps } from "../../functions/events/lib/receive-runtime";
import { runWithReceiveDeps } from "../../functions/events/lib/receive-runtime";
import { type ReceivedMessage, receiveBatch } from "../../functions/events/receive";
import { matchesPattern } from "../../workflows/event-pattern";
import { EVENT_RULES } from "../../workflows/event-rules";
import { reactToInstanceEvent, receiveFunction } from "../../workflows/index";
import { DynamoEventLedger } from "../adapters/aws/event-ledger";
import { tableDefinition } from "../adapters/aws/state-table";
import type { ReactionStart, ReactionStarterPort } from "../core/events/react/ports";
import type { ReceiveOutcome } from "../core/events/react/receive";
import { DEFAULT_REACTION_TIMING, type ReactionRequest, type ReactionTiming } from "../core/events/react/request";
import type { ReactionProgress, ReactionState, ReactionSummary } from "../core/events/react/state";
import type { RegionEvent } from "./aws/events";
import { roleNameForModule, sandboxStateMachineName } from "./iam/roles";
import { SANDBOX_ACCOUNT } from "./runner/definition";
import type { ExecutionStatus, LocalRunOptions, LocalRunResult, RunnerEvent } from "./runner/local-workflow";
import type { Sandbox } from "./sandbox";
import { createActiveTable } from "./tables";

/** EventBridge → SQS → the receive function's poller. */
export const DELIVERY_SECONDS = 1;
const LEDGER_TABLE = "tugboat-sandbox-events";

export interface ReactionReport {
  executionName: string;
  executionId: string;
  instanceId: string;
  action: string;
  status: ExecutionStatus;
  summary?: ReactionSummary;
  progress?: ReactionProgress;
  startedAtMs: number;
  endedAtMs: number;
  /** Virtual times read from the reaction's own progress. */
  cordonedAtMs?: number;
  drainedAtMs?: number;
  run: LocalRunResult;
}

export interface DeliveryReport {
  messageId: string;
  eventId: string | null;
  /** When the receive function got the message (virtual ms). */
  deliveredAtMs: number;
  /** Which of the deployed rules let the event through; empty: EventBridge would not have delivered it. */
  rules: string[];
  outcome?: ReceiveOutcome;
  /** Set when the message was handed back for redelivery (a batch item failure). */
  error?: string;
  reactions: ReactionReport[];
}

export interface SandboxEventsOptions {
  /** Clusters the simulated deployment manages (TUGBOAT_CLUSTERS); empty: any tagged cluster. */
  managedClusters?: string[];
  timing?: Partial<ReactionTiming>;
  /** Deliver events no rule matches as well (replaying a sample by hand). */
  bypassRules?: boolean;
  /** Each reaction execution's state events, tagged with its name (what a report is built from). */
  onReactionEvent?: (event: RunnerEvent) => void;
  /** Passed to every reaction's run (a hard stop after a state, hooks before states). */
  run?: Partial<Pick<LocalRunOptions, "crashAfter" | "beforeState" | "onEvent">>;
}

/** Starts nothing by itself: the sandbox runs what was queued once the receive invocation is over. */
class QueuedReactionStarter implements ReactionStarterPort {
  readonly queued: { name: string; request: ReactionRequest; executionId: string }[] = [];

  constructor(private readonly sandbox: Sandbox) {}

  arnFor(name: string): string {
    return `arn:aws:states:${this.sandbox.scenario.region}:${SANDBOX_ACCOUNT}:execution:tugboat-${reactToInstanceEvent.name}:${name}`;
  }

  async start(name: string, request: ReactionRequest): Promise<ReactionStart> {
    // StartExecution as the receive function's role makes it (the Events stack's StartReactions statement).
    const iam = this.sandbox.iam;
    await iam.check(
      iam.role(roleNameForModule(receiveFunction.module)),
      {
        action: "states:StartExecution",
        resource: `arn:aws:states:${this.sandbox.scenario.region}:${SANDBOX_ACCOUNT}:stateMachine:${sandboxStateMachineName(reactToInstanceEvent.name)}`,
        context: {},
      },
      "StartExecutionCommand",
    );
    const executionId = this.arnFor(name);
    if (this.sandbox.executions.has(executionId) || this.queued.some((q) => q.name === name)) {
      return { outcome: "already-started", executionId };
    }
    this.queued.push({ name, request, executionId });
    return { outcome: "started", executionId };
  }
}

export function rulesMatching(event: unknown): string[] {
  return EVENT_RULES.filter((rule) => matchesPattern(rule.pattern, event)).map((rule) => rule.id);
}

export class SandboxEvents {
  private messages = 0;
  private regionCursor = 0;
  /** Event ids already delivered by hand: the region's copy of them is not delivered again. */
  private readonly delivered = new Set<string>();

  private constructor(
    readonly sandbox: Sandbox,
    private readonly receiveDeps: ReceiveDeps,
    private readonly starter: QueuedReactionStarter,
    private readonly options: SandboxEventsOptions,
  ) {}

  static async attach(sandbox: Sandbox, options: SandboxEventsOptions = {}): Promise<SandboxEvents> {
    const dynamo = sandbox.deps.clients.dynamo;
    await createActiveTable(dynamo, { TableName: LEDGER_TABLE, ...tableDefinition() }, "keep");
    const starter = new QueuedReactionStarter(sandbox);
    const receiveDeps: ReceiveDeps = {
      // The receive function's own role; the event ledger's table is the sandbox's own and is not checked.
      deps: sandbox.depsForModule(receiveFunction.module),
      ledger: new DynamoEventLedger(dynamo, LEDGER_TABLE),
      starter,
      managedClusters: options.managedClusters ?? [],
      timing: { ...DEFAULT_REACTION_TIMING, ...options.timing },
    };
    const events = new SandboxEvents(sandbox, receiveDeps, starter, options);
    events.regionCursor = sandbox.region.eventCount();
    return events;
  }

  /** Delivers one event (an object or its JSON text) as one SQS message, then runs what it started. */
  async deliver(raw: unknown): Promise<DeliveryReport> {
    const body = typeof raw === "string" ? raw : JSON.stringify(raw);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    const rules = rulesMatching(parsed);
    const messageId = `sandbox-message-${++this.messages}`;
    const { clock } = this.sandbox;
    clock.advanceBy(DELIVERY_SECONDS);
    const deliveredAtMs = clock.nowMs();
    const eventId = (parsed as { id?: unknown } | undefined)?.id;
    if (typeof eventId === "string") this.delivered.add(eventId);
    const report: DeliveryReport = {
      messageId,
      eventId: typeof eventId === "string" ? eventId : null,
      deliveredAtMs,
      rules,
      reactions: [],
    };
    if (rules.length === 0 && !this.options.bypassRules) return report;

    const message = await this.invokeReceive(messageId, body);
    if (message.outcome) {
      report.outcome = message.outcome;
      report.eventId = message.outcome.eventId ?? report.eventId;
    }
    if (message.error) report.error = message.error;
    const queued = this.starter.queued.splice(0);
    for (const start of queued) report.reactions.push(await this.runReaction(start));
    return report;
  }

  /**
   * Region events emitted since the last call (or since attach) that a deployed rule would deliver,
   * leaving out those already delivered by hand.
   */
  takeRegionEvents(): RegionEvent[] {
    const fresh = this.sandbox.region.eventsSince(this.regionCursor);
    this.regionCursor = this.sandbox.region.eventCount();
    return fresh.filter((event) => !this.delivered.has(event.id) && rulesMatching(event).length > 0);
  }

  /** Delivers, in order, what the region emitted since the last look. */
  async deliverRegionEvents(): Promise<DeliveryReport[]> {
    const reports: DeliveryReport[] = [];
    for (const event of this.takeRegionEvents()) reports.push(await this.deliver(event));
    return reports;
  }

  private async invokeReceive(messageId: string, body: string): Promise<ReceivedMessage> {
    const { sandbox } = this;
    const event: SQSEvent = {
      Records: [
        {
          messageId,
          receiptHandle: messageId,
          body,
          attributes: {
            ApproximateReceiveCount: "1",
            SentTimestamp: String(sandbox.clock.nowMs()),
            SenderId: "events.amazonaws.com",
            ApproximateFirstReceiveTimestamp: String(sandbox.clock.nowMs()),
          },
          messageAttributes: {},
          md5OfBody: "",
          eventSource: "aws:sqs",
          eventSourceARN: `arn:aws:sqs:${sandbox.scenario.region}:${SANDBOX_ACCOUNT}:tugboat-sandbox-events`,
          awsRegion: sandbox.scenario.region,
        },
      ],
    };
    const charge = sandbox.startCharge();
    const startMs = sandbox.clock.nowMs();
    try {
      const report = await runWithReceiveDeps(this.receiveDeps, () => receiveBatch(event));
      return report.messages[0] ?? { messageId, error: "the receive function reported nothing for the message" };
    } finally {
      const seconds = sandbox.timing.stepSeconds(`receive/${messageId}`) + charge();
      sandbox.clock.advanceTo(startMs + seconds * 1000);
    }
  }

  private async runReaction(start: {
    name: string;
    request: ReactionRequest;
    executionId: string;
  }): Promise<ReactionReport> {
    const onReactionEvent = this.options.onReactionEvent;
    const runOptions = this.options.run;
    const run = await this.sandbox.run(reactToInstanceEvent, start.request, {
      ...runOptions,
      executionName: start.name,
      ...(onReactionEvent
        ? {
            onEvent: (event: RunnerEvent) => {
              runOptions?.onEvent?.(event);
              onReactionEvent({ ...event, execution: start.name });
            },
          }
        : {}),
    });
    const state = (run.status === "SUCCEEDED" ? run.output : run.lastOutput) as ReactionState | undefined;
    const progress = state?.reaction;
    const report: ReactionReport = {
      executionName: start.name,
      executionId: run.executionArn,
      instanceId: start.request.instanceId,
      action: state?.target?.action ?? start.request.action,
      status: run.status,
      startedAtMs: run.startedAtMs,
      endedAtMs: run.endedAtMs,
      run,
    };
    if (state?.finish) report.summary = state.finish;
    if (progress) report.progress = progress;
    if (progress?.cordonedAt) report.cordonedAtMs = Date.parse(progress.cordonedAt);
    if (progress?.drainedAt) report.drainedAtMs = Date.parse(progress.drainedAt);
    return report;
  }
}

/**
 * A Spot interruption of the instance behind a node: the region emits the two-minute warning now and
 * takes the instance away when the two minutes are up. Returns the warning as EventBridge carries it.
 */
export function interruptSpotNode(sandbox: Sandbox, nodeName: string): RegionEvent {
  const node = sandbox.cluster.nodes().find((n) => n.name === nodeName);
  if (!node) throw new Error(`no node ${nodeName} in the sandbox cluster`);
  sandbox.region.interruptSpotInstance(node.instanceId);
  const warning = [...sandbox.region.events()]
    .reverse()
    .find(
      (e) =>
        e["detail-type"] === "EC2 Spot Instance Interruption Warning" && e.detail["instance-id"] === node.instanceId,
    );
  if (!warning) throw new Error(`the sandbox region emitted no Spot warning for ${node.instanceId}`);
  return warning;
}
