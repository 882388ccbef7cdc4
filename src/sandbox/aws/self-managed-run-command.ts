/**
 * SSM Run Command as far as renewing kubeadm join material uses it: SendCommand with the
 * AWS-RunShellScript document on one instance, and GetCommandInvocation. The shell commands run on the
 * simulated machine: `kubeadm token create "$(aws ssm get-parameter … --name N …)" --ttl 24h0m0s` and
 * `kubeadm init phase upload-certs --upload-certs --certificate-key "$(aws ssm get-parameter …)"` are
 * understood (the values read from the region's SSM, with decryption when asked), anything else fails
 * as an unknown command would. The machine must be a running control-plane node of a kubeadm cluster
 * whose node is Ready (kubeadm talks to its API server). An invocation is InProgress for a few seconds.
 */
import type { CommandHandler } from "./autoscaling";
import { awsError } from "./errors";
import { type CommandInput, requireString, stringList } from "./input";
import type { SimulatedKubeadm } from "./self-managed-kubeadm";
import type { RegionContext } from "./world";

const RUN_SECONDS = 3;

interface Invocation {
  commandId: string;
  instanceId: string;
  doneAtMs: number;
  status: "Success" | "Failed";
  stderr: string;
}

export function runCommandHandlers(ctx: RegionContext, kubeadm: SimulatedKubeadm): Record<string, CommandHandler> {
  const invocations = new Map<string, Invocation>();
  return {
    SendCommand: (input: CommandInput) => {
      const document = requireString("ssm", input, "DocumentName");
      if (document !== "AWS-RunShellScript") {
        throw awsError("ssm", "InvalidDocument", `Document ${document} does not exist in your account.`);
      }
      const instanceIds = stringList(input, "InstanceIds") ?? [];
      const commands = ((input.Parameters as { commands?: unknown } | undefined)?.commands ?? []) as string[];
      const commandId = ctx.tokens.uuid();
      for (const instanceId of instanceIds) {
        const instance = ctx.world.instances.get(instanceId);
        if (instance?.state !== "running") {
          throw awsError(
            "ssm",
            "InvalidInstanceId",
            "Instances [[" + instanceId + "]] not in a valid state for account",
          );
        }
        const failure = kubeadm.runShell(instanceId, commands);
        invocations.set(`${commandId}/${instanceId}`, {
          commandId,
          instanceId,
          doneAtMs: ctx.clock.nowMs() + RUN_SECONDS * 1000,
          status: failure ? "Failed" : "Success",
          stderr: failure ?? "",
        });
      }
      return { Command: { CommandId: commandId, DocumentName: document, InstanceIds: instanceIds, Status: "Pending" } };
    },
    GetCommandInvocation: (input: CommandInput) => {
      const commandId = requireString("ssm", input, "CommandId");
      const instanceId = requireString("ssm", input, "InstanceId");
      const invocation = invocations.get(`${commandId}/${instanceId}`);
      if (!invocation) throw awsError("ssm", "InvocationDoesNotExist", "An error occurred (InvocationDoesNotExist)");
      const done = ctx.clock.nowMs() >= invocation.doneAtMs;
      return {
        CommandId: commandId,
        InstanceId: instanceId,
        Status: done ? invocation.status : "InProgress",
        StatusDetails: done ? invocation.status : "InProgress",
        StandardErrorContent: done ? invocation.stderr : "",
        ResponseCode: done ? (invocation.status === "Success" ? 0 : 1) : -1,
      };
    },
  };
}
