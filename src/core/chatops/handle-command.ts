/** `/tug <command>`: parse, authorize on the cluster the command names, and act. */
import type { RunRecord } from "../model/state";
import type { ApprovalRecord } from "./approval";
import { type ChatCommand, helpText, parseCommand } from "./commands";
import { decideApproval } from "./decide-approval";
import { executionNameFor } from "./execution-name";
import { approvalRequired, authorize, type ChatAction, type ChatPolicy } from "./policy";
import type { ChatOpsDeps } from "./ports";
import { followRun, PENDING_APPROVAL_ITEM, progressMessageOf } from "./progress-record";
import type { SlackRequest } from "./slack-request";

type CommandRequest = Extract<SlackRequest, { kind: "command" }>;

/** The workflow each starting command runs (creating and deleting clusters stay with `tug`). */
const WORKFLOW_OF: Partial<Record<ChatCommand["name"], string>> = {
  upgrade: "upgrade-cluster",
  roll: "roll-node-group",
  rebalance: "rebalance-azs",
};

type StartingCommand = Extract<ChatCommand, { name: "upgrade" | "roll" | "rebalance" }>;

export async function handleCommand(
  deps: ChatOpsDeps,
  policy: ChatPolicy,
  request: CommandRequest,
  retry: string | undefined,
): Promise<string> {
  const parsed = parseCommand(request.text);
  if (!parsed.ok) return parsed.error;
  const { command } = parsed;
  const who = request.identity;
  const deny = (cluster: string, action: ChatAction): string | undefined => {
    const verdict = authorize(policy, who, cluster, action);
    if (verdict.allowed) return undefined;
    deps.log.warn(`slack command refused: ${verdict.reason}`, { ...who, command: command.name });
    return `Not allowed: ${verdict.reason}.`;
  };
  switch (command.name) {
    case "help":
      return helpText();
    case "upgrade":
    case "roll":
    case "rebalance": {
      const refusal = deny(command.cluster, command.name);
      if (refusal) return refusal;
      return startRun(deps, policy, request, command, retry);
    }
    case "status":
      return status(deps, policy, request, command.target, deny);
    case "abort":
      return abort(deps, request, command.target, deny, policy);
  }
}

async function startRun(
  deps: ChatOpsDeps,
  policy: ChatPolicy,
  request: CommandRequest,
  command: StartingCommand,
  retry: string | undefined,
): Promise<string> {
  const workflow = WORKFLOW_OF[command.name] as string;
  const who = request.identity;
  const user = who.userId as string;
  const rules = policy.clusters[command.cluster];
  // The input is the request's alone (no clock, no retry number): a retry starts under the same name.
  const base = inputOf(command, user);
  const eachStep = command.name === "upgrade" && rules?.approval === "each-control-plane-step";
  const input = {
    ...base,
    ...(approvalRequired(rules)
      ? { approval: { requestedBy: user, channel: who.channelId, ...(eachStep ? { eachControlPlaneStep: true } : {}) } }
      : {}),
  };
  const name = executionNameFor({
    action: command.name,
    cluster: command.cluster,
    ...(who.teamId ? { teamId: who.teamId } : {}),
    triggerId: request.triggerId,
    text: request.text,
  });
  const started = await deps.starter.start(workflow, name, input);
  const what = describeCommand(command);
  if (started.outcome === "already-started") {
    deps.log.info(`slack retry of an accepted command: ${name} already started`, { retry });
    return `Already accepted: run ${name} (${what}).`;
  }
  deps.log.info(`slack command started ${name}: ${what}`, { user, channel: who.channelId });
  await followRun(deps, {
    runId: name,
    executionId: started.executionId,
    workflow,
    cluster: command.cluster,
    what,
    channel: who.channelId as string,
    requestedBy: user,
  });
  const approval = approvalRequired(rules) ? " It waits for an approver before changing anything." : "";
  return `Accepted: run ${name} (${what}).${approval}`;
}

function inputOf(command: StartingCommand, user: string): Record<string, unknown> {
  switch (command.name) {
    case "upgrade":
      return { cluster: command.cluster, toVersion: command.toVersion, requestedBy: `slack:${user}` };
    case "roll":
      return { cluster: command.cluster, nodeGroup: command.nodeGroup };
    case "rebalance":
      return { cluster: command.cluster, trigger: "operator", requestedBy: `slack:${user}` };
  }
}

function describeCommand(command: StartingCommand): string {
  switch (command.name) {
    case "upgrade":
      return `upgrade ${command.cluster} to ${command.toVersion}`;
    case "roll":
      return `roll ${command.cluster}/${command.nodeGroup}`;
    case "rebalance":
      return `rebalance ${command.cluster}`;
  }
}

async function status(
  deps: ChatOpsDeps,
  policy: ChatPolicy,
  request: CommandRequest,
  target: string | undefined,
  deny: (cluster: string, action: ChatAction) => string | undefined,
): Promise<string> {
  const user = request.identity.userId;
  const clusters = target
    ? Object.hasOwn(policy.clusters, target)
      ? [target]
      : []
    : Object.keys(policy.clusters).filter((c) => authorize(policy, request.identity, c, "status").allowed);
  if (target && clusters.length === 0) {
    const run = await deps.state.getRun(target);
    if (!run) return `No cluster or run named ${target}.`;
    const refusal = deny(run.cluster, "status");
    if (refusal) return refusal;
    return describeRun(run);
  }
  if (clusters.length === 0) return `Nothing you may look at${user ? "" : " (no user id)"}.`;
  const lines: string[] = [];
  for (const cluster of clusters) {
    const refusal = deny(cluster, "status");
    if (refusal) return refusal;
    const lock = await deps.state.getLock(cluster);
    const [last] = await deps.state.listRuns(cluster, 1);
    lines.push(
      lock
        ? `${cluster}: ${lock.operation} running as ${lock.owner.split(":").pop()} since ${lock.acquiredAt}${lock.abortRequested ? ", abort requested" : ""}`
        : `${cluster}: idle${last ? `; last run ${describeRun(last)}` : ""}`,
    );
  }
  return lines.join("\n");
}

function describeRun(run: RunRecord): string {
  const summary = (run.data as { summary?: { reason?: string } }).summary;
  return `${run.runId} (${run.workflow} on ${run.cluster}): ${run.status}${summary?.reason ? `: ${summary.reason}` : ""}`;
}

async function abort(
  deps: ChatOpsDeps,
  request: CommandRequest,
  target: string,
  deny: (cluster: string, action: ChatAction) => string | undefined,
  policy: ChatPolicy,
): Promise<string> {
  const user = request.identity.userId as string;
  // A cluster name aborts whatever runs there; a run id aborts that run if it is still the one running.
  let cluster = Object.hasOwn(policy.clusters, target) ? target : undefined;
  let runId: string | undefined;
  if (!cluster) {
    const message = await progressMessageOf(deps.state, target);
    const run = await deps.state.getRun(target);
    cluster = run?.cluster ?? message?.cluster;
    runId = target;
    if (!cluster) return `No cluster or run named ${target}.`;
  }
  const refusal = deny(cluster, "abort");
  if (refusal) return refusal;
  const lock = await deps.state.getLock(cluster);
  runId ??= lock?.owner.split(":").pop();
  if (!runId) return `Nothing runs on ${cluster}.`;
  // A run still waiting for its approval is simply rejected: it changes nothing and releases the lock.
  const pending = await deps.state.getItem<{ approvalId: string }>(runId, PENDING_APPROVAL_ITEM);
  if (pending) {
    const result = await decideApproval(deps, pending.approvalId, {
      status: "rejected",
      by: user,
      cause: `aborted by ${user} before approval`,
    });
    if (result.kind === "decided") {
      deps.log.info(`run ${runId} aborted before approval`, { user });
      // The approval may guard a later control-plane step of an upgrade: what is done stays done.
      return `Aborted ${runId} at its approval: ${result.record.what} does not go ahead, and the run releases the lock.`;
    }
  }
  if (!lock?.owner.endsWith(`:${runId}`)) return `Run ${runId} is not running on ${cluster}.`;
  const requested = await deps.state.requestAbort(cluster, `slack:${user}`);
  if (!requested) return `Run ${runId} has already ended.`;
  deps.log.info(`abort requested for ${runId}`, { user, cluster });
  return `Abort requested for ${runId}: it stops before its next batch or phase and restores capacity.`;
}

export type { ApprovalRecord };
