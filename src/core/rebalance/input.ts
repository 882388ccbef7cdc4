/** The input of the rebalance-azs workflow, validated once at the edge. */
import { z } from "zod";
import { approvalRequestSchema } from "../chatops/approval";
import { InvalidInputError } from "../errors";
import { describeIssues } from "../roll/input";

export const REBALANCE_TRIGGERS = ["operator", "schedule", "launch-unsuccessful", "pending-zonal-pods"] as const;

export const rebalanceInputSchema = z
  .object({
    /** The cluster; a launch-unsuccessful trigger may name only the group, whose tags name the cluster. */
    cluster: z.string().min(1, "the cluster name").optional(),
    /** Limit the run to these node groups (default: every multi-AZ group Tugboat manages in the cluster). */
    nodeGroups: z.array(z.string().min(1)).optional(),
    /** Observe, target and check only: nothing is changed. */
    dryRun: z.boolean().default(false),
    /** What started the run: a person, the schedule, a failed launch, the periodic Pending-zonal-pods check. */
    trigger: z.enum(REBALANCE_TRIGGERS).default("operator"),
    /** launch-unsuccessful: the group and zone EC2 could not launch in, and Auto Scaling's words for it. */
    autoScalingGroupName: z.string().min(1).optional(),
    zone: z.string().min(1).optional(),
    statusMessage: z.string().optional(),
    /** Per move: how long budgets may keep refusing evictions (EKS gives a managed update 900 s). */
    drainTimeoutSeconds: z.number().int().positive().max(86_400).default(900),
    /** Per move: how long launched nodes may take to turn Ready (5× the published 120 s upper end). */
    readyTimeoutSeconds: z.number().int().positive().max(7_200).default(600),
    /** Moves per run, so one execution stays far below the 25,000-event history limit. */
    maxMoves: z.number().int().positive().max(100).default(30),
    requestedBy: z.string().default("unknown"),
    /** Wait for someone else's approval before the first move (src/core/chatops/approval.ts). */
    approval: approvalRequestSchema.optional(),
  })
  .strict()
  .refine((input) => input.cluster !== undefined || input.autoScalingGroupName !== undefined, {
    message: "cluster: expected a cluster name (or, for a failed launch, autoScalingGroupName)",
  });

export type RebalanceRequest = z.infer<typeof rebalanceInputSchema>;
/** After the start step: the cluster is always known. */
export type RebalanceInput = RebalanceRequest & { cluster: string };

export function parseRebalanceRequest(raw: unknown): RebalanceRequest {
  const parsed = rebalanceInputSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(`rebalance input: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}
