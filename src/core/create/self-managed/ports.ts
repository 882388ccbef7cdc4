/**
 * What a self-managed (kubeadm) creation needs beyond CreationPort: the API server's internal Network
 * Load Balancer (src/adapters/aws/load-balancers.ts, over the ELBv2 SDK client; in the sandbox the same
 * adapter reaches the simulated ELBv2 of src/sandbox/aws/self-managed-nlb.ts) and the join material kept
 * in SSM Parameter Store.
 */

export interface LoadBalancerView {
  arn: string;
  name: string;
  dnsName: string;
  scheme: "internal" | "internet-facing";
  state: string;
  tags: Record<string, string>;
}

export interface TargetGroupView {
  arn: string;
  name: string;
  port: number;
  targetType: "instance" | "ip";
  /** Target group attribute preserve_client_ip.enabled. */
  preserveClientIp: boolean;
  /** Registered target ids (instance ids or IPs). */
  targets: string[];
  tags: Record<string, string>;
}

export interface LoadBalancerPort {
  describeLoadBalancer(name: string): Promise<LoadBalancerView | undefined>;
  /** An internal network load balancer in these subnets. */
  createLoadBalancer(request: { name: string; subnetIds: string[]; tags: Record<string, string> }): Promise<void>;
  describeTargetGroup(name: string): Promise<TargetGroupView | undefined>;
  createTargetGroup(request: {
    name: string;
    vpcId: string;
    port: number;
    targetType: "instance" | "ip";
    tags: Record<string, string>;
  }): Promise<void>;
  /** ModifyTargetGroupAttributes preserve_client_ip.enabled. */
  setPreserveClientIp(targetGroupArn: string, enabled: boolean): Promise<void>;
  /** The port of each TCP listener and the target group it forwards to. */
  listeners(loadBalancerArn: string): Promise<{ port: number; targetGroupArn: string }[]>;
  createListener(loadBalancerArn: string, port: number, targetGroupArn: string): Promise<void>;
  registerTargets(targetGroupArn: string, ids: string[]): Promise<void>;
  deleteLoadBalancer(arn: string): Promise<void>;
  /** Refused by ELB while a listener still forwards to it (ResourceInUse): the caller retries later. */
  deleteTargetGroup(arn: string): Promise<"deleted" | "in-use">;
}

export interface SecureParameter {
  value: string;
  lastModified: Date;
}

/** SSM Parameter Store, SecureString parameters under /tugboat/<cluster>/. */
export interface JoinMaterialPort {
  getParameter(name: string): Promise<SecureParameter | undefined>;
  /** PutParameter Type SecureString, Overwrite true. */
  putParameter(name: string, value: string): Promise<void>;
  deleteParameter(name: string): Promise<"deleted" | "not-found">;
  /** SSM Run Command (AWS-RunShellScript) on one instance; the command's id. */
  runOnNode(instanceId: string, commands: string[], comment: string): Promise<string>;
  /** GetCommandInvocation, in three words. */
  commandStatus(
    commandId: string,
    instanceId: string,
  ): Promise<{ status: "pending" | "success" | "failed"; detail: string }>;
}

/** Secrets Manager, for the etcd access a self-managed cluster's first node publishes. */
export interface AccessSecretsPort {
  /**
   * DeleteSecret with ForceDeleteWithoutRecovery: no recovery window, so a cluster made again under the
   * name can publish its own secret at once (one pending deletion cannot be read, nor made again). A
   * forced deletion succeeds whether or not the secret exists, so it says nothing back.
   */
  deleteSecret(name: string): Promise<void>;
}
