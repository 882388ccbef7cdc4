/**
 * `--approve` in the sandbox without Slack: the approval step runs as deployed (the task token kept in
 * the table under a random approval id; with no channel, nothing is posted), and the answers scripted
 * with `--then-answer` are given as `tug approve` gives them against a deployed stack: under the
 * operator policy, through the same single-use approval record, then SendTaskSuccess/SendTaskFailure.
 * An approval with no answer left to give expires after the state's TimeoutSeconds, on the virtual clock.
 */
import { runWithChatOpsEnvironment } from "../../../functions/slack/lib/environment";
import { SLACK_SECRET_NAME } from "../../../stacks/lib/access-documents";
import { DynamoApprovalStore } from "../../adapters/aws/approval-store";
import { SfnTaskResults } from "../../adapters/aws/task-results";
import { answerApproval, type CliApprovalDeps, type CliApprovalResult } from "../../core/chatops/cli-approval";
import { awsError } from "../aws/errors";
import type { RunnerEvent } from "../runner/local-workflow";
import type { Sandbox } from "../sandbox";

/** The sandbox's table (src/sandbox/sandbox.ts). */
const SANDBOX_TABLE = "tugboat-sandbox";

/** The workflows' approval states (workflows/*.asl.json): entering one asks for an approval. */
export const APPROVAL_STATES = new Set(["Wait for approval", "Wait for control-plane approval"]);

export interface ScriptedAnswer {
  decision: "approve" | "reject";
  /** The name `tug approve` would run as (compared with the requester's): "bob" answers as "cli:bob". */
  by: string;
  /** Seconds after the approval was asked. */
  afterSeconds: number;
}

/** "approve:bob@120" (or "reject:carol", answered as soon as asked). */
export function parseScriptedAnswer(text: string, flag = "--then-answer"): ScriptedAnswer {
  const match = /^(approve|reject):([A-Za-z0-9._-]+)(?:@(\d+))?$/.exec(text);
  if (!match) {
    throw new Error(
      `${flag}: expected approve:<name>[@<seconds>] or reject:<name>[@<seconds>] (seconds after the approval is asked), got "${text}"`,
    );
  }
  return {
    decision: match[1] as ScriptedAnswer["decision"],
    by: match[2] as string,
    afterSeconds: Number(match[3] ?? 0),
  };
}

export interface GivenAnswer extends CliApprovalResult {
  /** Virtual seconds from the sandbox's start. */
  atSeconds: number;
  by: string;
  decision: ScriptedAnswer["decision"];
}

export class SandboxApprovals {
  /** The answers given, in order, with what `tug approve` said. */
  readonly given: GivenAnswer[] = [];
  private readonly queue: ScriptedAnswer[];
  private readonly drivers: Promise<void>[] = [];
  private readonly startMs: number;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly cluster: string,
    answers: ScriptedAnswer[],
  ) {
    this.queue = [...answers];
    this.startMs = sandbox.clock.nowMs();
    // Step Functions answering task tokens; no execution is started from here.
    sandbox.region.setStepFunctionsBackend({
      startExecution: (request) => {
        throw awsError("sfn", "StateMachineDoesNotExist", `State Machine Does Not Exist: '${request.stateMachineArn}'`);
      },
      answerTask: (token, outcome) => sandbox.tasks.answer(token, outcome),
    });
  }

  /** Runs a workflow with the approval step's configuration (no Slack), then waits for the answers given. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const environment = {
      tableName: SANDBOX_TABLE,
      region: this.sandbox.scenario.region,
      slackSecret: SLACK_SECRET_NAME,
      policy: JSON.stringify({ appId: "A0", teams: ["T0"], clusters: {} }),
      stateMachines: {},
    };
    const value = await runWithChatOpsEnvironment(environment, fn);
    await Promise.all(this.drivers);
    return value;
  }

  /**
   * The runner's events: an approval state entered by the run (not a child) takes the next scripted
   * answer; an answer refused while the approval stays pending (the requester's own) passes it on to the
   * next one, as a second person would try after the first.
   */
  readonly onEvent = (event: RunnerEvent): void => {
    if (event.kind !== "state-entered" || event.execution || !APPROVAL_STATES.has(event.state)) return;
    if (this.queue.length === 0) return;
    // Joined now, while the run is still awake, so the clock cannot pass the answer's time without it.
    const scheduler = this.sandbox.virtualScheduler;
    scheduler.join();
    this.drivers.push(this.answer(event.atMs).finally(() => scheduler.leave()));
  };

  private async answer(askedAtMs: number): Promise<void> {
    const scheduler = this.sandbox.virtualScheduler;
    const operator = this.sandbox.operatorDeps();
    const deps: CliApprovalDeps = {
      state: operator.state,
      approvals: new DynamoApprovalStore(operator.clients.dynamo, SANDBOX_TABLE),
      tasks: new SfnTaskResults(operator.clients.sfn),
      clock: operator.clock,
      log: operator.log,
    };
    for (let answer = this.queue.shift(); answer; answer = this.queue.shift()) {
      await scheduler.sleepUntil(Math.max(this.sandbox.clock.nowMs(), askedAtMs + answer.afterSeconds * 1000));
      const by = `cli:${answer.by}`;
      const reject = answer.decision === "reject";
      const result = await scheduler.exclusive(() => answerApproval(deps, this.cluster, { reject, by }));
      this.given.push({
        ...result,
        atSeconds: Math.round((this.sandbox.clock.nowMs() - this.startMs) / 1000),
        by,
        decision: answer.decision,
      });
      if (result.status !== "pending") return;
    }
  }
}
