/**
 * Task tokens of `.waitForTaskToken` states, as Step Functions keeps them: issued when the task starts,
 * valid until the task is answered (SendTaskSuccess, SendTaskFailure) or its TimeoutSeconds pass on the
 * virtual clock, then closed for good. A closed or answered token is refused as the service refuses it
 * (TaskTimedOut); one never issued is InvalidToken.
 */
import { randomBytes } from "node:crypto";
import type { VirtualScheduler } from "./virtual-scheduler";

export type TaskOutcome =
  | { kind: "success"; output: unknown }
  | { kind: "failure"; error: string; cause: string }
  | { kind: "timeout" };

interface OpenTask {
  executionArn: string;
  state: string;
  outcome?: TaskOutcome;
  resume?: (outcome: TaskOutcome) => void;
}

export type TokenAnswer = "accepted" | "TaskTimedOut" | "InvalidToken";

export class TaskTokens {
  private readonly open = new Map<string, OpenTask>();
  private readonly closed = new Set<string>();

  /** A new token for a task that just started: opaque and unguessable, as the service's are. */
  issue(executionArn: string, state: string): string {
    const token = `AQCEAAAAKgAAAA${randomBytes(96).toString("base64url")}`;
    this.open.set(token, { executionArn, state });
    return token;
  }

  /** Waits for an answer or for the deadline (virtual ms), whichever comes first; then the token is closed. */
  async park(token: string, deadlineMs: number, scheduler: VirtualScheduler): Promise<TaskOutcome> {
    const task = this.open.get(token);
    if (!task) throw new Error("park: unknown task token");
    if (task.outcome) return this.close(token, task.outcome);
    const sleep = scheduler.sleepCancellable(deadlineMs);
    const answered = new Promise<TaskOutcome>((resolve) => {
      task.resume = resolve;
    });
    const outcome = await Promise.race([answered, sleep.promise.then((): TaskOutcome => ({ kind: "timeout" }))]);
    if (outcome.kind !== "timeout") sleep.cancel();
    return this.close(token, outcome);
  }

  /** Closes a token whose task ended another way (its Lambda failed, the execution stopped). */
  discard(token: string): void {
    this.open.delete(token);
    this.closed.add(token);
  }

  answer(token: string, outcome: TaskOutcome): TokenAnswer {
    const task = this.open.get(token);
    if (!task || task.outcome) return this.closed.has(token) || task ? "TaskTimedOut" : "InvalidToken";
    task.outcome = outcome;
    task.resume?.(outcome);
    return "accepted";
  }

  /** Tokens still waiting for an answer. */
  waiting(): { token: string; executionArn: string; state: string }[] {
    return [...this.open.entries()]
      .filter(([, t]) => !t.outcome)
      .map(([token, t]) => ({ token, executionArn: t.executionArn, state: t.state }));
  }

  private close(token: string, outcome: TaskOutcome): TaskOutcome {
    this.open.delete(token);
    this.closed.add(token);
    return outcome;
  }
}
