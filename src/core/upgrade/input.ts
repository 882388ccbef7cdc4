/** The input of the upgrade-cluster workflow, validated once at the edge. */
import { z } from "zod";
import { approvalRequestSchema } from "../chatops/approval";
import { InvalidInputError } from "../errors";
import { describeIssues } from "../roll/input";

export const upgradeInputSchema = z
  .object({
    cluster: z.string().min(1, "the cluster name"),
    /** Target Kubernetes minor, e.g. "1.33". */
    toVersion: z.string().regex(/^1\.\d+$/, 'a Kubernetes minor version such as "1.33"'),
    /** Plan and preflight only: nothing is changed. */
    dryRun: z.boolean().default(false),
    /** Upgrade insights in ERROR that the operator has reviewed and accepts, by name (or "*" for all). */
    acceptInsights: z.array(z.string().min(1)).default([]),
    /** Node groups rolled at the same time in a phase (child executions). */
    maxParallelRolls: z.number().int().min(1).max(10).default(2),
    /** Passed to every node group roll. */
    drainTimeoutSeconds: z.number().int().positive().max(86_400).default(900),
    readyTimeoutSeconds: z.number().int().positive().max(7_200).default(600),
    requestedBy: z.string().default("unknown"),
    /** Wait for someone else's approval before the first change (src/core/chatops/approval.ts). */
    approval: approvalRequestSchema.optional(),
  })
  .strict();

export type UpgradeInput = z.infer<typeof upgradeInputSchema>;

export function parseUpgradeInput(raw: unknown): UpgradeInput {
  const result = upgradeInputSchema.safeParse(raw);
  if (!result.success) {
    throw new InvalidInputError(`invalid upgrade input: ${describeIssues(result.error.issues)}`);
  }
  return result.data;
}
