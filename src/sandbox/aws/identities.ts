/**
 * Who calls the simulated region, as STS knows them: the step functions (one role in the sandbox, with
 * the credentials every sandbox client signs with) and the operator running `tug connect`/`tug doctor`
 * (the cluster creator, an EKS cluster admin). The simulated API server checks EKS tokens against these
 * secrets and maps the role to Kubernetes through the cluster's access entries.
 */
import type { SandboxCredential } from "../kube/auth/eks-token";
import { SANDBOX_ACCOUNT_ID } from "./world";

export const STEP_ROLE_NAME = "tugboat-sandbox";
export const OPERATOR_ROLE_NAME = "tugboat-sandbox-operator";

export const STEP_CREDENTIALS = {
  accessKeyId: "ASIASANDBOXTUGBOAT00",
  secretAccessKey: "sandbox-secret-access-key",
} as const;

export const OPERATOR_CREDENTIALS = {
  accessKeyId: "ASIASANDBOXOPERATOR0",
  secretAccessKey: "sandbox-operator-secret-access-key",
} as const;

const CREDENTIALS: Record<string, SandboxCredential> = {
  [STEP_CREDENTIALS.accessKeyId]: {
    secretAccessKey: STEP_CREDENTIALS.secretAccessKey,
    accountId: SANDBOX_ACCOUNT_ID,
    roleName: STEP_ROLE_NAME,
    sessionName: "tugboat",
  },
  [OPERATOR_CREDENTIALS.accessKeyId]: {
    secretAccessKey: OPERATOR_CREDENTIALS.secretAccessKey,
    accountId: SANDBOX_ACCOUNT_ID,
    roleName: OPERATOR_ROLE_NAME,
    sessionName: "operator",
  },
};

export function sandboxCredential(accessKeyId: string): SandboxCredential | undefined {
  return CREDENTIALS[accessKeyId];
}

export const roleArn = (roleName: string) => `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/${roleName}`;

/**
 * The roles that talk to Kubernetes in the sandbox: every step (and the event receiver) runs with the
 * step credentials, so one role; in AWS these are the stack's KubeRoleArns and ReceiveRoleArn outputs.
 */
export function sandboxKubeRoleArns(): string[] {
  return [roleArn(STEP_ROLE_NAME)];
}
