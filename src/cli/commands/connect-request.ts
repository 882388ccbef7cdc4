/** Flags shared by `tug connect` and `tug doctor`, and the request they make of core/connect. */
import { tugboatRbac } from "../../adapters/kube/rbac-manifest";
import type { ConnectRequest } from "../../core/connect/inspect";
import type { ClusterAccessContext } from "../cluster-access";

export const ACCESS_FLAGS = {
  sandbox: { type: "string" },
  group: { type: "string", multiple: true },
  role: { type: "string", multiple: true },
  "force-drain": { type: "boolean" },
  "step-vpc": { type: "string" },
  json: { type: "boolean" },
} as const;

export function connectRequestFrom(
  cluster: string,
  values: { group?: string[]; "force-drain"?: boolean; "step-vpc"?: string },
  context: ClusterAccessContext,
): ConnectRequest {
  const stepVpcId = values["step-vpc"] ?? (context.sandbox ? undefined : process.env.TUGBOAT_VPC_ID);
  const forceDrain = values["force-drain"] ?? false;
  return {
    cluster,
    roleArns: context.roleArns,
    rbac: tugboatRbac({ forceDrain }),
    nodeGroups: values.group ?? [],
    ...(stepVpcId ? { stepVpcId } : {}),
    connectCommand: `${context.connectCommand}${forceDrain ? " --force-drain" : ""}`,
  };
}
