/**
 * The receive side of event reactions, for one delivered message: parse once, decide, deduplicate by
 * event id, find each instance's cluster and node, and start one reaction workflow per managed
 * instance. Instances outside the clusters Tugboat manages are acknowledged and left alone: a message is
 * only ever handed back for redelivery when something failed that a retry can fix.
 */
import { describeError, InvalidInputError } from "../../errors";
import type { Deps } from "../../ports";
import { actionForEvent } from "../action";
import type { ClusterEvent, ClusterEventKind } from "../cluster-event";
import type { EventAction, EventDecision } from "../decision";
import { parseEventText } from "../parse";
import { formatInstant } from "../time";
import type { IdentityLookup, ManagedInstance, NodeMatch } from "./identity";
import type { EventLedgerPort, ReactionStarterPort } from "./ports";
import { DEFAULT_REACTION_TIMING, type ReactionRequest, type ReactionTiming, reactionExecutionName } from "./request";

/**
 * A claim older than this belongs to an invocation that died (the receive function times out after
 * 15 s), so a redelivery takes it over instead of dropping the event as a duplicate.
 */
export const CLAIM_STALE_SECONDS = 60;

export interface ReceiveContext {
  deps: Pick<Deps, "ec2" | "autoScaling" | "kube" | "clock" | "log">;
  ledger: EventLedgerPort;
  starter: ReactionStarterPort;
  /** Shared by every record of one invocation, and by nothing else. */
  identity: IdentityLookup;
  timing?: ReactionTiming;
}

export interface InstanceOutcome {
  instanceId: string;
  outcome: "started" | "already-started" | "ignored";
  reason: string;
  cluster?: string;
  nodeName?: string | null;
  executionName?: string;
  executionId?: string;
}

interface DecidedOutcome {
  eventId: string | null;
  kind: ClusterEventKind;
  action: EventAction;
  reason: string;
}

export type ReceiveOutcome =
  /** Not JSON, or not an event at all: logged and acknowledged, since no retry can make it readable. */
  | { outcome: "unreadable"; eventId: null; reason: string }
  /** The decision is to do nothing: acknowledged. */
  | (DecidedOutcome & { outcome: "ignored"; instances: InstanceOutcome[] })
  /** Already handled (or being handled) by an earlier delivery of the same event. */
  | (DecidedOutcome & { outcome: "duplicate"; instances: InstanceOutcome[] })
  | (DecidedOutcome & { outcome: "handled"; instances: InstanceOutcome[] });

function decided(event: ClusterEvent, decision: EventDecision): DecidedOutcome {
  return { eventId: event.eventId, kind: decision.kind, action: decision.action, reason: decision.reason };
}

export async function receiveEvent(ctx: ReceiveContext, body: string): Promise<ReceiveOutcome> {
  const { deps } = ctx;
  let event: ClusterEvent;
  try {
    event = parseEventText(body);
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    return { outcome: "unreadable", eventId: null, reason: `message is ${err.message}` };
  }
  const now = deps.clock.now();
  const decision = actionForEvent(event, { now });
  if (decision.action === "ignore" || event.eventId === null || decision.instanceIds.length === 0) {
    return { ...decided(event, decision), outcome: "ignored", instances: [] };
  }

  const eventId = event.eventId;
  const identified = { ...event, eventId };
  const claim = await ctx.ledger.claim(eventId, now, CLAIM_STALE_SECONDS);
  if (!claim.claimed) {
    const first = claim.receipt;
    const what = first.status === "done" ? `handled at ${first.claimedAt}` : `being handled since ${first.claimedAt}`;
    return {
      ...decided(event, decision),
      outcome: "duplicate",
      reason: `event ${eventId} was already ${what}${first.summary ? `: ${first.summary}` : ""}`,
      instances: [],
    };
  }
  try {
    const instances: InstanceOutcome[] = [];
    await ctx.identity.describe(decision.instanceIds);
    for (const instanceId of decision.instanceIds) {
      instances.push(await reactToInstance(ctx, identified, decision, instanceId, now));
    }
    await ctx.ledger.finish(eventId, instances.map(describeInstanceOutcome).join("; "));
    if (instances.every((i) => i.outcome === "ignored")) {
      // Acknowledged, never redelivered: an instance of another cluster stays another cluster's.
      return {
        ...decided(event, decision),
        outcome: "ignored",
        reason: instances.map((i) => i.reason).join("; "),
        instances,
      };
    }
    return { ...decided(event, decision), outcome: "handled", instances };
  } catch (err) {
    // Hand the event back: the redelivery must find it unclaimed and do the work again.
    await ctx.ledger.release(eventId).catch((releaseError) =>
      deps.log.warn("could not release the claim of a failed event; it is taken over once stale", {
        eventId,
        error: describeError(releaseError),
      }),
    );
    throw err;
  }
}

async function reactToInstance(
  ctx: ReceiveContext,
  event: { eventId: string; time: Date | null },
  decision: EventDecision,
  instanceId: string,
  now: Date,
): Promise<InstanceOutcome> {
  const groupName = decision.lifecycle?.instanceId === instanceId ? decision.lifecycle.groupName : null;
  const identity = await ctx.identity.resolve(instanceId, { groupName });
  if (!identity.managed) return { instanceId, outcome: "ignored", reason: identity.reason };

  const node = await lookUpNode(ctx, identity);
  const request: ReactionRequest = {
    eventId: event.eventId,
    eventKind: decision.kind,
    action: decision.action,
    reason: decision.reason,
    deadline: decision.deadline ? formatInstant(decision.deadline) : null,
    eventTime: event.time ? formatInstant(event.time) : null,
    receivedAt: now.toISOString(),
    cluster: identity.cluster,
    instanceId,
    availabilityZone: identity.availabilityZone,
    groupName: identity.groupName,
    nodeName: node.match?.name ?? null,
    privateDnsName: identity.privateDnsName,
    lifecycle: decision.lifecycle?.instanceId === instanceId ? { ...decision.lifecycle } : null,
    timing: ctx.timing ?? DEFAULT_REACTION_TIMING,
  };
  const name = reactionExecutionName(event.eventId, instanceId);
  const start = await ctx.starter.start(name, request);
  const where = node.match ? `node ${node.match.name} (by ${node.match.matchedBy})` : node.note;
  return {
    instanceId,
    outcome: start.outcome,
    reason:
      start.outcome === "started"
        ? `${decision.action} of ${instanceId} in cluster ${identity.cluster}, ${where}`
        : `execution ${name} already exists: a duplicate delivery`,
    cluster: identity.cluster,
    nodeName: request.nodeName,
    executionName: name,
    executionId: start.executionId,
  };
}

/**
 * The node now, as a hint for the workflow (which looks again before acting). A cluster Tugboat cannot
 * reach right now must not hold the reaction back, so a failed lookup starts it without a node name.
 */
async function lookUpNode(
  ctx: ReceiveContext,
  identity: ManagedInstance,
): Promise<{ match: NodeMatch | null; note: string }> {
  try {
    const match = await ctx.identity.node(identity);
    return { match, note: match ? "" : "no node for it (not joined yet, never joined, or already gone)" };
  } catch (err) {
    ctx.deps.log.warn("node lookup failed; the reaction looks again", {
      cluster: identity.cluster,
      instanceId: identity.instanceId,
      error: describeError(err),
    });
    return { match: null, note: `node lookup failed (${describeError(err)}); the reaction looks again` };
  }
}

function describeInstanceOutcome(outcome: InstanceOutcome): string {
  if (outcome.outcome === "ignored") return `${outcome.instanceId} ignored: ${outcome.reason}`;
  return `${outcome.instanceId} ${outcome.outcome} as ${outcome.executionName}`;
}
