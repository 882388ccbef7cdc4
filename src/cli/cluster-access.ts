/**
 * What `tug connect` and `tug doctor` run against: a sandbox started from a scenario (the operator is
 * the cluster creator, an admin; the step role is the sandbox's) or the deployed stage (the caller's
 * credentials; the roles from --role, TUGBOAT_KUBE_ROLE_ARNS or the stack outputs in .sst/outputs.json).
 */
import { existsSync, readFileSync } from "node:fs";
import { EksAdapter } from "../adapters/aws/eks";
import { eksBearerToken } from "../adapters/aws/eks-token";
import { ConnectAdapter } from "../adapters/connect/connect-adapter";
import { createAwsClients } from "../adapters/deps";
import { kubeConfigForCluster } from "../adapters/kube/access";
import { DOCUMENTED_OPERATOR_POLICY, OPERATOR_POLICY_OUTPUT } from "../core/connect/operator-policy";
import type { ConnectPort } from "../core/connect/ports";
import { OPERATOR_CREDENTIALS, sandboxKubeRoleArns } from "../sandbox/aws/identities";
import { sandboxClientConfig, sandboxPlugin } from "../sandbox/aws/plugin";
import { Sandbox } from "../sandbox/sandbox";
import { loadScenarioOf } from "./args";
import { UsageError } from "./io";

const OUTPUTS_FILE = ".sst/outputs.json";

export interface ClusterAccessContext {
  port: ConnectPort;
  roleArns: string[];
  /** "tug connect <cluster> --sandbox x": how fixes are spelled. */
  connectCommand: string;
  operatorPolicy: { source: string; text: string };
  sandbox?: Sandbox;
  close(): Promise<void>;
}

export async function clusterAccessContext(options: {
  cluster: string;
  sandbox?: string;
  roles?: string[];
}): Promise<ClusterAccessContext> {
  const { cluster } = options;
  if (options.sandbox) {
    const sandbox = await Sandbox.start(loadScenarioOf(options.sandbox, cluster));
    return sandboxAccessContext(sandbox, options.sandbox, options.roles);
  }
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  const clients = createAwsClients({ region, tableName: process.env.TUGBOAT_TABLE ?? "" });
  const outputs = readStackOutputs();
  const roleArns = deployedRoleArns(options.roles, outputs);
  const policy = outputs[OPERATOR_POLICY_OUTPUT];
  return {
    port: adapterFor(clients, region, () => new Date()),
    roleArns,
    connectCommand: `tug connect ${cluster}`,
    operatorPolicy: policy
      ? { source: `stack output ${OPERATOR_POLICY_OUTPUT}`, text: policy }
      : { source: "documented (the stack outputs none)", text: JSON.stringify(DOCUMENTED_OPERATOR_POLICY, null, 2) },
    close: async () => {},
  };
}

/** Connect and doctor as the sandbox's operator (the cluster creator), in a running sandbox; closing it closes the sandbox. */
export function sandboxAccessContext(sandbox: Sandbox, scenarioName: string, roles?: string[]): ClusterAccessContext {
  const { scenario } = sandbox;
  const clientConfig = { ...sandboxClientConfig(scenario.region), credentials: { ...OPERATOR_CREDENTIALS } };
  const clients = createAwsClients({
    region: scenario.region,
    tableName: "tugboat-sandbox",
    clientConfig,
    plugins: (service) => [sandboxPlugin(sandbox.region, service)],
  });
  return {
    port: adapterFor(clients, scenario.region, () => sandbox.clock.now()),
    roleArns: roles && roles.length > 0 ? roles : sandboxKubeRoleArns(),
    connectCommand: `tug connect ${scenario.cluster.name} --sandbox ${scenarioName}`,
    operatorPolicy: { source: "documented", text: JSON.stringify(DOCUMENTED_OPERATOR_POLICY, null, 2) },
    sandbox,
    close: () => sandbox.close(),
  };
}

function adapterFor(clients: ReturnType<typeof createAwsClients>, region: string, now: () => Date): ConnectPort {
  const eks = new EksAdapter(clients.eks);
  const token = (cluster: string) =>
    eksBearerToken({ clusterName: cluster, region, credentials: clients.eks.config.credentials, now: now() });
  return new ConnectAdapter({
    eks: clients.eks,
    autoScaling: clients.autoScaling,
    ec2: clients.ec2,
    kubeConfig: (cluster) => kubeConfigForCluster(cluster, { eks, ssm: clients.ssm, secrets: clients.secrets, token }),
  });
}

/** Every stack's outputs from `sst deploy`, merged (KubeRoleArns, ReceiveRoleArn, OperatorPolicy…). */
function readStackOutputs(): Record<string, string> {
  if (!existsSync(OUTPUTS_FILE)) return {};
  try {
    const stacks = JSON.parse(readFileSync(OUTPUTS_FILE, "utf8")) as Record<string, Record<string, string>>;
    return Object.assign({}, ...Object.values(stacks));
  } catch (err) {
    throw new UsageError(`${OUTPUTS_FILE} is not valid JSON: ${(err as Error).message}`);
  }
}

function deployedRoleArns(flags: string[] | undefined, outputs: Record<string, string>): string[] {
  const split = (value: string | undefined) =>
    (value ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
  const fromFlags = flags ?? [];
  const fromEnv = split(process.env.TUGBOAT_KUBE_ROLE_ARNS);
  const fromOutputs = [...split(outputs.KubeRoleArns), ...split(outputs.ReceiveRoleArn)];
  const roles = [...new Set(fromFlags.length > 0 ? fromFlags : fromEnv.length > 0 ? fromEnv : fromOutputs)];
  if (roles.length === 0) {
    throw new UsageError(
      `no roles to give Kubernetes access: pass --role <arn> (repeatable), set TUGBOAT_KUBE_ROLE_ARNS, or run where ${OUTPUTS_FILE} holds the KubeRoleArns and ReceiveRoleArn outputs of \`npx sst deploy\``,
    );
  }
  return roles;
}
