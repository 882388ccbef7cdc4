/** Records Tugboat keeps in its own store (DynamoDB): locks, runs and plans too big for workflow state. */

export interface LockRecord {
  cluster: string;
  /** The execution that owns the lock (its ARN in AWS, its id in the sandbox). */
  owner: string;
  /** What the owner is doing: "roll-node-group workers", "upgrade-cluster 1.33". */
  operation: string;
  acquiredAt: string;
  /** The end of the holder's lease (ISO): past it the lock may be taken over. Absent: no expiry. */
  expiresAt?: string;
  /** Set by `tug abort`; honoured between batches. */
  abortRequested?: boolean;
  abortRequestedBy?: string;
}

export type RunStatus = "running" | "succeeded" | "failed" | "refused" | "aborted";

export interface RunRecord {
  runId: string;
  cluster: string;
  nodeGroup: string;
  workflow: string;
  status: RunStatus;
  startedAt: string;
  updatedAt: string;
  /** Free-form, JSON-serialisable details owned by the workflow (original sizes, plan summary, summary). */
  data: Record<string, unknown>;
}

export interface ExecutionStatusPort {
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, or NOT_FOUND. */
  status(executionId: string): Promise<string>;
}
