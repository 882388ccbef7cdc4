/** The `tug` command: dispatch, usage errors (exit 2) and failures (exit 1) with a message saying what is wrong. */
import { type CliIO, type Command, processIO, UsageError } from "./io";

const HELP = `tug: lifecycle automation for Kubernetes clusters on AWS

  tug demo                                   roll the built-in small scenario in the sandbox, with a report
  tug roll <cluster> <nodegroup> [options]   roll a node group onto its target launch template, AMI or version
  tug twin capture <cluster> [--sandbox <scenario>] [--out <file>] [--anonymize]
                                             write the scenario of a cluster's twin (read-only)
  tug predict roll|upgrade <args> --sandbox <scenario> [--runs N] [--json]
                                             run the workflow N times on a twin: makespan, capacity, PDB time
      --sandbox <scenario>   run in the sandbox (small, stateful, large, managed, huge, or a JSON file)
      --dry-run              show the plan (batches per AZ, victims, predicted duration, PDB risks); change nothing
      --max-surge N|N%       replacements per batch (default 10% of the group, at least one per AZ)
      --force                after the drain deadline, delete pods PDBs still protect instead of halting
      --json                 progress on stderr; the last stdout line is the result as JSON
      --report <file.html>   write the run's report: nodes per AZ by batch, where the time went, capacity, figures
      --approve              wait for someone else's approval before the first change (tug approve, or Slack)
      --approval-channel C…  also ask in this Slack channel (ChatOps deployed)
      --then-answer approve|reject:NAME[@S]
                             (sandbox) answer the next approval as \`tug approve\` run by NAME, S s after it is asked;
                             repeatable; an approval left unanswered expires after 3600 s
  tug upgrade <cluster> --to <version> [options]
                                             upgrade control plane, add-ons and node groups one minor at a time
      --sandbox <scenario>   run in the sandbox (upgrade, self-managed, or a JSON file)
      --dry-run              preflight and the plan with its predicted duration; change nothing
      --accept-insight NAME  go ahead despite an EKS upgrade insight in ERROR that you have reviewed
      --max-parallel-rolls N node groups rolled at the same time (default 2)
      --json                 progress on stderr; the last stdout line is the result as JSON
      --report <file.html>   write the run's report: the phase ladder with skew, each child roll's report
      --approve, --approval-channel C…, --then-answer …   as for tug roll
      --approve-each-control-plane-step
                             --approve, and wait again before every later control-plane step (one minor each)
  tug report <execution-arn> [--out f.html]  the same report for a deployed execution, from its Step Functions history
  tug rebalance <cluster> [options]          bring multi-AZ node groups within ±1 of even across zones, keeping
                                             every zone's nodes for the pods whose volumes live there
      --sandbox <scenario>   run in the sandbox (rebalance, or a JSON file)
      --dry-run              observe, check and show the planned moves; change nothing
      --group <nodegroup>    only these node groups (repeatable; default: every multi-AZ group)
      --json                 progress on stderr; the last stdout line is the result as JSON
      --approve, --approval-channel C…, --then-answer …   as for tug roll (the approval comes before the first move)
  tug create --spec <file> [options]         create a cluster from a spec (docs/create.md), health-gated, idempotent
      --sandbox <scenario>   run in the sandbox, against the scenario's account
      --dry-run              validate the spec against the account and print the plan; create nothing
      --repeat               (sandbox) run the same request again in the same sandbox (a second run changes nothing)
      --json                 progress on stderr; the last stdout line is the result as JSON
  tug delete <cluster> [options]             delete a cluster Tugboat created, in reverse order; refuse any other
      --sandbox <scenario>   run in the sandbox (--spec <file> creates the cluster first)
      --dry-run, --json
  tug connect <cluster> [options]            make a cluster manageable: access entries, RBAC (deploy/rbac.yaml), tags
      --group <nodegroup>    node groups to tag (repeatable; default: every node group found)
      --role <arn>           roles that reach Kubernetes (default: the stack's KubeRoleArns and ReceiveRoleArn)
      --force-drain          also apply deploy/rbac-force-drain.yaml (pods delete, for force: true rolls)
      --dry-run              print each change; change nothing
      --then-roll <group>    (sandbox) doctor, connect, doctor again, then roll the group
      --json                 the last stdout line is { outcome, changes }
  tug doctor <cluster> [--group g] [--json]  check all of the above read-only; exit 1 naming each missing piece and its fix
  tug status <cluster>                       the cluster's lock and recent runs
  tug abort <cluster>                        stop the running operation before its next batch, restoring capacity
  tug approve <run|cluster> [--reject [--reason <text>]]
                                             answer a run waiting for an approval (the same single-use approval as
                                             Slack's buttons; nobody approves their own run)
  tug events explain <event-file> [--json]   what Tugboat would do with a raw EventBridge event
  tug events replay --sandbox <scenario> <event-file> [--node <name>] [--times N] [--json]
                                             run the real event handler against a sandbox node
  tug slack replay --sandbox <scenario> <requests.json> [--json]
                                             run the real Slack handler on requests at virtual times`;

/**
 * Each command loads when it is run: `tug status` needs no sandbox, and `tug predict` forks its workers
 * without first loading every workflow into the parent.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: async () => (await import("./commands/demo")).demoCommand,
  roll: async () => (await import("./commands/roll")).rollCommand,
  connect: async () => (await import("./commands/connect")).connectCommand,
  doctor: async () => (await import("./commands/doctor")).doctorCommand,
  upgrade: async () => (await import("./commands/upgrade")).upgradeCommand,
  report: async () => (await import("./commands/report")).reportCommand,
  rebalance: async () => (await import("./commands/rebalance")).rebalanceCommand,
  create: async () => (await import("./commands/create")).createCommand,
  delete: async () => (await import("./commands/delete")).deleteCommand,
  twin: async () => (await import("./commands/twin")).twinCommand,
  predict: async () => (await import("./commands/predict")).predictCommand,
  status: async () => (await import("./commands/status")).statusCommand,
  abort: async () => (await import("./commands/status")).abortCommand,
  approve: async () => (await import("./commands/approve")).approveCommand,
  slack: async () => (await import("./commands/slack")).slackCommand,
};

const EVENTS_COMMANDS: Record<string, () => Promise<Command>> = {
  explain: async () => (await import("./commands/events-explain")).eventsExplainCommand,
  replay: async () => (await import("./commands/events-replay")).eventsReplayCommand,
};

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === "help" || name === "--help" || name === "-h") {
      io.stdout(HELP);
      return name ? 0 : 2;
    }
    if (name === "events") {
      const [sub, ...args] = rest;
      const load = sub ? EVENTS_COMMANDS[sub] : undefined;
      if (!load) throw new UsageError(`unknown events command "${sub ?? ""}": expected "explain" or "replay"`);
      return await (await load())(args, io);
    }
    const load = COMMANDS[name];
    if (!load) throw new UsageError(`unknown command "${name}"\n\n${HELP}`);
    return await (await load())(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`tug: ${err.message}`);
      return 2;
    }
    io.stderr(`tug: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
