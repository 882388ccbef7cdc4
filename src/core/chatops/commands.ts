/**
 * The `/tug` commands: text in, one parsed command out, with the policy action each needs. The router
 * is a table: a new command adds one entry to COMMANDS and its action to policy.ts,
 * and the handler routes it to what starts its workflow (handle-command.ts).
 */
import type { ChatAction } from "./policy";

export type ChatCommand =
  | { name: "upgrade"; cluster: string; toVersion: string }
  | { name: "roll"; cluster: string; nodeGroup: string }
  | { name: "rebalance"; cluster: string }
  | { name: "status"; target?: string }
  | { name: "abort"; target: string }
  | { name: "help" };

export interface CommandSpec {
  usage: string;
  summary: string;
  /** What the policy must allow; status and abort name a run or a cluster, resolved by the handler. */
  action: ChatAction;
  parse(args: string[]): ChatCommand | { error: string };
}

const VERSION = /^1\.\d+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const COMMANDS: Record<string, CommandSpec> = {
  upgrade: {
    usage: "/tug upgrade <cluster> <version>",
    summary: "upgrade a cluster's Kubernetes version (control plane, add-ons, node groups)",
    action: "upgrade",
    parse: ([cluster, toVersion, ...rest]) => {
      if (!cluster || !NAME.test(cluster)) return { error: "expected a cluster name" };
      if (!toVersion || !VERSION.test(toVersion))
        return { error: 'expected a Kubernetes minor version such as "1.33"' };
      if (rest.length > 0) return { error: `unexpected ${rest.join(" ")}` };
      return { name: "upgrade", cluster, toVersion };
    },
  },
  roll: {
    usage: "/tug roll <cluster> <node group>",
    summary: "replace a node group's outdated nodes, surge first, draining through PodDisruptionBudgets",
    action: "roll",
    parse: ([cluster, nodeGroup, ...rest]) => {
      if (!cluster || !NAME.test(cluster)) return { error: "expected a cluster name" };
      if (!nodeGroup || !NAME.test(nodeGroup)) return { error: "expected a node group name" };
      if (rest.length > 0) return { error: `unexpected ${rest.join(" ")}` };
      return { name: "roll", cluster, nodeGroup };
    },
  },
  rebalance: {
    usage: "/tug rebalance <cluster>",
    summary: "bring multi-AZ node groups within ±1 of even, keeping the nodes pods with zonal volumes need",
    action: "rebalance",
    parse: ([cluster, ...rest]) => {
      if (!cluster || !NAME.test(cluster)) return { error: "expected a cluster name" };
      if (rest.length > 0) return { error: `unexpected ${rest.join(" ")}` };
      return { name: "rebalance", cluster };
    },
  },
  status: {
    usage: "/tug status [cluster|run]",
    summary: "what runs on a cluster, or how a run is going",
    action: "status",
    parse: ([target, ...rest]) => {
      if (rest.length > 0) return { error: `unexpected ${rest.join(" ")}` };
      return target ? { name: "status", target } : { name: "status" };
    },
  },
  abort: {
    usage: "/tug abort <run|cluster>",
    summary: "stop a run before its next batch or phase, restoring capacity",
    action: "abort",
    parse: ([target, ...rest]) => {
      if (!target) return { error: "expected a run id or a cluster name" };
      if (rest.length > 0) return { error: `unexpected ${rest.join(" ")}` };
      return { name: "abort", target };
    },
  },
  help: {
    usage: "/tug help",
    summary: "this list",
    action: "status",
    parse: () => ({ name: "help" }),
  },
};

export type ParsedCommand = { ok: true; command: ChatCommand; spec: CommandSpec } | { ok: false; error: string };

export function parseCommand(text: string): ParsedCommand {
  const [verb = "help", ...args] = text
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  const spec = Object.hasOwn(COMMANDS, verb.toLowerCase()) ? COMMANDS[verb.toLowerCase()] : undefined;
  if (!spec) return { ok: false, error: `unknown command "${verb}"\n${helpText()}` };
  const parsed = spec.parse(args);
  if ("error" in parsed) return { ok: false, error: `${parsed.error}: ${spec.usage}` };
  return { ok: true, command: parsed, spec };
}

export function helpText(): string {
  return Object.values(COMMANDS)
    .map((c) => `\`${c.usage}\`: ${c.summary}`)
    .join("\n");
}
