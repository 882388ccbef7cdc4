/**
 * The input of the roll-node-group workflow. Validated once at the edge; every later step can trust it.
 */
import { z } from "zod";
import { approvalRequestSchema } from "../chatops/approval";
import { InvalidInputError } from "../errors";

const surgeValue = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+%$/, 'a count such as 3 or a percentage such as "10%"'),
]);

export const rollInputSchema = z
  .object({
    cluster: z.string().min(1, "the cluster name"),
    nodeGroup: z.string().min(1, "the node group name"),
    /** Replacements launched per batch (count or % of the group). Default: 10% of the group, at least one per AZ. */
    maxSurge: surgeValue.optional(),
    /** Plan only: nothing is changed. */
    dryRun: z.boolean().default(false),
    /** After the drain deadline, delete pods that PDBs still protect instead of halting. */
    force: z.boolean().default(false),
    /**
     * Per batch: how long PDBs may keep refusing evictions before the roll halts (or forces). 900 s is
     * the eviction window EKS gives a managed node update before PodEvictionFailure (EKS User Guide,
     * "Understand each phase of node updates"). A deadline, not an estimate.
     */
    drainTimeoutSeconds: z.number().int().positive().max(86_400).default(900),
    /**
     * Per batch: how long replacements may take to become Ready nodes: 5× the published 120 s upper end of
     * an EKS node's launch → Ready, so only a node that will never join hits it. A deadline, not an estimate.
     */
    readyTimeoutSeconds: z.number().int().positive().max(7_200).default(600),
    /** Target launch template version (default: the group's configured version, resolved). */
    launchTemplateVersion: z
      .string()
      .regex(/^(\d+|\$Latest|\$Default)$/, 'a number, "$Latest" or "$Default"')
      .optional(),
    /** Target Kubernetes minor for kubelets ("1.31"); nodes on another minor count as outdated. */
    kubernetesVersion: z
      .string()
      .regex(/^1\.\d+$/, 'a minor version such as "1.31"')
      .optional(),
    /** Refuse instead of raising the ASG's max size temporarily when it has no headroom for the surge. */
    respectMaxSize: z.boolean().default(false),
    /**
     * Set when an upgrade-cluster execution starts this roll as a child: the roll works under the
     * parent's cluster lock instead of taking its own, and leaves it held when it ends.
     */
    parentExecutionId: z.string().min(1).optional(),
    /** Who asked (CLI user, Slack user, EventBridge rule), for the trace. */
    requestedBy: z.string().default("unknown"),
    /** Wait for someone else's approval before the first change (src/core/chatops/approval.ts). */
    approval: approvalRequestSchema.optional(),
  })
  .strict();

export type RollInput = z.infer<typeof rollInputSchema>;

/** Turns zod issues into one message naming each field and what was expected. */
export function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join(".") : "(input)";
      return `${field}: ${issue.message}`;
    })
    .join("; ");
}

export function parseRollInput(raw: unknown): RollInput {
  const result = rollInputSchema.safeParse(raw);
  if (!result.success) {
    throw new InvalidInputError(`invalid roll input: ${describeIssues(result.error.issues)}`);
  }
  return result.data;
}
