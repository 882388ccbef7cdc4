/**
 * The input of the react-to-instance-event workflow: one instance, one decided action, and what the
 * receive handler learned about it. Built by `receiveEvent`, validated again by the first step, read by
 * every later step and by the workflow tests, so a renamed field breaks type-checking, not an execution.
 */
import { z } from "zod";
import { InvalidInputError } from "../../errors";
import { describeIssues } from "../../roll/input";
import type { EventAction } from "../decision";

/**
 * Bounds of the waits; the defaults are the figures docs/events.md explains. Deadlines, not estimates:
 * the drain and Ready deadlines are the roll's (docs/roll.md: EKS's 15-minute eviction window; 5× the
 * published 120 s upper end of a node's launch → Ready). Nothing here comes from a sandbox scenario.
 */
export const reactionTimingSchema = z
  .object({
    /** Drains with no deadline of their own (lifecycle hooks, replacements) give PDBs this long. */
    drainTimeoutSeconds: z.number().int().positive().max(86_400).default(900),
    /** A replacement or a launching instance has this long to become a Ready node. */
    readyTimeoutSeconds: z.number().int().positive().max(7_200).default(600),
    /** A replacement waits this long for the cluster lock held by another operation. */
    lockWaitSeconds: z.number().int().positive().max(86_400).default(1_800),
  })
  .strict();

export type ReactionTiming = z.infer<typeof reactionTimingSchema>;

export const DEFAULT_REACTION_TIMING: ReactionTiming = reactionTimingSchema.parse({});

const lifecycleSchema = z
  .object({
    groupName: z.string().min(1),
    hookName: z.string().min(1),
    instanceId: z.string().min(1),
    token: z.string(),
    transition: z.enum(["autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING"]),
    result: z.literal("CONTINUE"),
    resultIfNeverReady: z.literal("ABANDON").optional(),
    rootVolumeReplacement: z.boolean(),
  })
  .strict();

const isoInstant = z.string().refine((text) => !Number.isNaN(Date.parse(text)), "an ISO 8601 instant");

export const reactionRequestSchema = z
  .object({
    eventId: z.string().min(1),
    eventKind: z.string().min(1),
    action: z.enum([
      "drain",
      "replace",
      "drain-and-complete-lifecycle",
      "await-ready-and-complete-lifecycle",
      "complete-lifecycle",
      "cleanup",
      "ignore",
    ] satisfies EventAction[]),
    reason: z.string(),
    /** When the action must be finished by (ISO 8601); null when the event sets none. */
    deadline: isoInstant.nullable(),
    eventTime: isoInstant.nullable(),
    receivedAt: isoInstant,
    cluster: z.string().min(1),
    instanceId: z.string().regex(/^i-[0-9a-zA-Z]+$/, "an EC2 instance id"),
    availabilityZone: z.string().nullable(),
    groupName: z.string().nullable(),
    /** The node found when the event arrived (providerID, else private DNS name); steps look again. */
    nodeName: z.string().nullable(),
    privateDnsName: z.string().nullable(),
    lifecycle: lifecycleSchema.nullable(),
    timing: reactionTimingSchema.default(DEFAULT_REACTION_TIMING),
  })
  .strict();

export type ReactionRequest = z.infer<typeof reactionRequestSchema>;
export type ReactionLifecycle = z.infer<typeof lifecycleSchema>;

export function parseReactionRequest(raw: unknown): ReactionRequest {
  const result = reactionRequestSchema.safeParse(raw);
  if (!result.success) {
    throw new InvalidInputError(`reaction request: ${describeIssues(result.error.issues)}`);
  }
  return result.data;
}

/** Step Functions execution names: 1-80 characters, letters, digits, "-" and "_" are always accepted. */
const NAME_LIMIT = 80;

/**
 * The execution is named after the event and the instance, so a second start for the same event is
 * refused by Step Functions itself (DESIGN §4), whatever the event-id ledger says.
 */
export function reactionExecutionName(eventId: string, instanceId: string): string {
  const safeInstance = instanceId.replace(/[^A-Za-z0-9_-]/g, "-");
  const room = NAME_LIMIT - safeInstance.length - 1;
  const safeEvent = eventId.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, Math.max(1, room));
  return `${safeEvent}-${safeInstance}`.slice(0, NAME_LIMIT);
}
