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

/** Access keys of per-role credentials carry the role name, so STS can tell who signed. */
const ROLE_KEY_PREFIX = "ASIAROLE";

/**
 * Credentials that sign as one role (session named after it), for sandboxes that give each deployed
 * function its own clients: an EKS token signed with them reaches Kubernetes as that role.
 */
export function roleCredentials(roleName: string): { accessKeyId: string; secretAccessKey: string } {
  return {
    accessKeyId: `${ROLE_KEY_PREFIX}${Buffer.from(roleName, "utf8").toString("hex").toUpperCase()}`,
    secretAccessKey: `sandbox-secret-access-key-${roleName}`,
  };
}

export function sandboxCredential(accessKeyId: string): SandboxCredential | undefined {
  const fixed = CREDENTIALS[accessKeyId];
  if (fixed) return fixed;
  if (!accessKeyId.startsWith(ROLE_KEY_PREFIX)) return undefined;
  const roleName = Buffer.from(accessKeyId.slice(ROLE_KEY_PREFIX.length), "hex").toString("utf8");
  if (roleName === "" || roleCredentials(roleName).accessKeyId !== accessKeyId) return undefined;
  return {
    secretAccessKey: roleCredentials(roleName).secretAccessKey,
    accountId: SANDBOX_ACCOUNT_ID,
    roleName,
    sessionName: roleName,
  };
}

export const roleArn = (roleName: string) => `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/${roleName}`;

/**
 * The roles that talk to Kubernetes in the sandbox: every step (and the event receiver) runs with the
 * step credentials, so one role; in AWS these are the stack's KubeRoleArns and ReceiveRoleArn outputs.
 */
export function sandboxKubeRoleArns(): string[] {
  return [roleArn(STEP_ROLE_NAME)];
}
