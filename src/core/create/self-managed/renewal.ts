/**
 * Renewing join material after `kubeadm init`: a bootstrap token or certificate key that would expire
 * before the next join is written anew to SSM, and a healthy control-plane node registers it with the
 * cluster through SSM Run Command (`kubeadm token create <token> --ttl 24h`, `kubeadm init phase
 * upload-certs --upload-certs --certificate-key <key>`), reading the values from SSM itself so they never
 * appear in the command. The join waits until the command has succeeded.
 */
import {
  bootstrapTokenFrom,
  certificateKeyFrom,
  type JoinParameterNames,
  joinParameterNames,
  materialStatus,
} from "./join-material";
import type { JoinMaterialPort } from "./ports";

export interface Renewal {
  commandId: string;
  instanceId: string;
  since: string;
}

export type RenewalOutcome =
  | { state: "ready"; changes: number }
  | { state: "waiting"; changes: number; renewal: Renewal; detail: string }
  | { state: "failed"; reason: string };

export function renewalCommands(
  names: JoinParameterNames,
  region: string,
  renew: { token: boolean; certificateKey: boolean },
): string[] {
  const read = (name: string) =>
    `"$(aws ssm get-parameter --region ${region} --with-decryption --name ${name} --query Parameter.Value --output text)"`;
  const commands: string[] = [];
  if (renew.token) commands.push(`kubeadm token create ${read(names.token)} --ttl 24h0m0s`);
  if (renew.certificateKey) {
    commands.push(`kubeadm init phase upload-certs --upload-certs --certificate-key ${read(names.certificateKey)}`);
  }
  return commands;
}

export async function renewIfExpiring(
  material: JoinMaterialPort,
  input: {
    cluster: string;
    region: string;
    /** A healthy control-plane node to run kubeadm on. */
    instanceId: string;
    pending?: Renewal;
    randomBytes: (count: number) => Uint8Array;
    now: Date;
  },
): Promise<RenewalOutcome> {
  if (input.pending) {
    const result = await material.commandStatus(input.pending.commandId, input.pending.instanceId);
    if (result.status === "failed") {
      return {
        state: "failed",
        reason: `renewing the join material of ${input.cluster} on ${input.pending.instanceId} failed: ${result.detail}`,
      };
    }
    if (result.status === "pending") {
      return {
        state: "waiting",
        changes: 0,
        renewal: input.pending,
        detail: `renewing join material (${result.detail})`,
      };
    }
  }
  const names = joinParameterNames(input.cluster);
  const status = await materialStatus(material, input.cluster, input.now);
  const renew = { token: status.token !== "fresh", certificateKey: status.certificateKey !== "fresh" };
  if (!renew.token && !renew.certificateKey) return { state: "ready", changes: 0 };
  let changes = 0;
  if (renew.token) {
    await material.putParameter(names.token, bootstrapTokenFrom(input.randomBytes(22)));
    changes++;
  }
  if (renew.certificateKey) {
    await material.putParameter(names.certificateKey, certificateKeyFrom(input.randomBytes(32)));
    changes++;
  }
  const commandId = await material.runOnNode(
    input.instanceId,
    renewalCommands(names, input.region, renew),
    `tugboat: renew kubeadm join material of ${input.cluster}`,
  );
  return {
    state: "waiting",
    changes: changes + 1,
    renewal: { commandId, instanceId: input.instanceId, since: input.now.toISOString() },
    detail: `renewing the ${[renew.token ? "bootstrap token" : "", renew.certificateKey ? "certificate key" : ""].filter(Boolean).join(" and ")}`,
  };
}
