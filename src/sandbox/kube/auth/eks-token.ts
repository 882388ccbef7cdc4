/**
 * The EKS authenticator (aws-iam-authenticator) in the simulated API server: a bearer token
 * "k8s-aws-v1.<base64url URL>" is a presigned STS GetCallerIdentity URL. The server accepts only the
 * STS host of the region (or the global one), path "/", the Action/Version/X-Amz-* parameters, and
 * `x-k8s-aws-id` among the signed headers; it then asks STS who signed it, with the header set to its
 * own cluster name, so a token for another cluster fails the signature. Here STS is the sandbox's: the
 * signature is checked with the secret key of the access key it names, and the token is honoured for
 * 15 minutes after X-Amz-Date, as STS does. The signer's role then maps to a username and groups
 * through the cluster's access entries; a role without an entry is not let in (401, as EKS answers).
 */
import { createHash, createHmac } from "node:crypto";
import type { Identity } from "./identity";
import { AUTHENTICATED_GROUP } from "./identity";

export const EKS_TOKEN_PREFIX = "k8s-aws-v1.";
const CLUSTER_ID_HEADER = "x-k8s-aws-id";
/** STS honours a presigned GetCallerIdentity URL this long after X-Amz-Date, whatever X-Amz-Expires says. */
export const TOKEN_LIFETIME_MS = 15 * 60_000;
/** Clock skew tolerated for a token dated in the future. */
const FUTURE_SKEW_MS = 5 * 60_000;
const EMPTY_PAYLOAD_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const ALLOWED_PARAMETERS = new Set([
  "Action",
  "Version",
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-Security-Token",
  "X-Amz-SignedHeaders",
  "X-Amz-Signature",
]);

/** What the sandbox's STS knows about an access key: its secret, and the assumed role it stands for. */
export interface SandboxCredential {
  secretAccessKey: string;
  accountId: string;
  roleName: string;
  sessionName: string;
}

/** An access entry as the authenticator reads it. */
export interface AccessEntryIdentity {
  /** May hold {{SessionName}} (EKS's default for a role: arn:aws:sts::<acct>:assumed-role/<role>/{{SessionName}}). */
  username: string;
  groups: string[];
  /** AmazonEKSClusterAdminPolicy associated at cluster scope. */
  clusterAdmin: boolean;
}

export interface EksTokenAuthenticatorOptions {
  clusterName: string;
  regionName: string;
  nowMs: () => number;
  credential: (accessKeyId: string) => SandboxCredential | undefined;
  /** The cluster's access entry for an IAM principal ARN (the role, not the assumed-role session). */
  accessEntry: (principalArn: string) => AccessEntryIdentity | undefined;
}

function escapeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/** Why a token is refused, or the signer; exported for tests that check each refusal. */
export function verifyEksToken(
  token: string,
  options: Omit<EksTokenAuthenticatorOptions, "accessEntry">,
): { ok: true; credential: SandboxCredential; accessKeyId: string; signedAtMs: number } | { ok: false; why: string } {
  if (!token.startsWith(EKS_TOKEN_PREFIX)) return { ok: false, why: "not an EKS token" };
  let url: URL;
  try {
    url = new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), "base64url").toString("utf8"));
  } catch {
    return { ok: false, why: "the token is not a URL" };
  }
  const hosts = [`sts.${options.regionName}.amazonaws.com`, "sts.amazonaws.com"];
  if (url.protocol !== "https:" || !hosts.includes(url.host) || url.pathname !== "/") {
    return { ok: false, why: `unexpected STS endpoint ${url.protocol}//${url.host}${url.pathname}` };
  }
  const params = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    if (!ALLOWED_PARAMETERS.has(name)) return { ok: false, why: `unexpected query parameter ${name}` };
    params.set(name, value);
  }
  if (params.get("Action") !== "GetCallerIdentity") return { ok: false, why: "Action is not GetCallerIdentity" };
  const signedHeaders = (params.get("X-Amz-SignedHeaders") ?? "").split(";");
  if (!signedHeaders.includes(CLUSTER_ID_HEADER)) return { ok: false, why: `${CLUSTER_ID_HEADER} is not signed` };
  const [accessKeyId = "", shortDate = "", region = "", service = "", terminator = ""] = (
    params.get("X-Amz-Credential") ?? ""
  ).split("/");
  const credential = options.credential(accessKeyId);
  if (!credential) return { ok: false, why: `access key ${accessKeyId} is unknown to STS` };
  const longDate = params.get("X-Amz-Date") ?? "";
  const signedAtMs = Date.parse(
    longDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"),
  );
  if (!Number.isFinite(signedAtMs)) return { ok: false, why: `X-Amz-Date ${longDate} is not a date` };
  const now = options.nowMs();
  if (now > signedAtMs + TOKEN_LIFETIME_MS) return { ok: false, why: "the token has expired" };
  if (signedAtMs > now + FUTURE_SKEW_MS) return { ok: false, why: "the token is dated in the future" };

  const headerValues: Record<string, string> = { host: url.host, [CLUSTER_ID_HEADER]: options.clusterName };
  if (signedHeaders.some((h) => headerValues[h] === undefined)) return { ok: false, why: "unknown signed header" };
  const canonicalQuery = [...params.entries()]
    .filter(([name]) => name !== "X-Amz-Signature")
    .map(([name, value]) => [escapeRfc3986(name), escapeRfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const canonicalRequest = [
    "GET",
    "/",
    canonicalQuery,
    ...signedHeaders.map((h) => `${h}:${headerValues[h]}`),
    "",
    signedHeaders.join(";"),
    EMPTY_PAYLOAD_SHA256,
  ].join("\n");
  const scope = `${shortDate}/${region}/${service}/${terminator}`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    longDate,
    scope,
    createHash("sha256").update(canonicalRequest, "utf8").digest("hex"),
  ].join("\n");
  let key: Buffer = hmac(`AWS4${credential.secretAccessKey}`, shortDate);
  for (const part of [region, service, terminator]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
  // A token minted for another cluster signs another x-k8s-aws-id, so it lands here too.
  if (expected !== params.get("X-Amz-Signature")) return { ok: false, why: "the signature does not match" };
  return { ok: true, credential, accessKeyId, signedAtMs };
}

/** Verified signatures kept (a step reuses its token for minutes); expiry and access entries are read every time. */
const VERIFIED_CACHE_SIZE = 256;

export function eksTokenAuthenticator(options: EksTokenAuthenticatorOptions): (token: string) => Identity | undefined {
  const verifiedTokens = new Map<string, { credential: SandboxCredential; signedAtMs: number }>();
  return (token) => {
    let verified = verifiedTokens.get(token);
    if (verified && options.nowMs() > verified.signedAtMs + TOKEN_LIFETIME_MS) {
      verifiedTokens.delete(token);
      return undefined;
    }
    if (!verified) {
      const result = verifyEksToken(token, options);
      if (!result.ok) return undefined;
      verified = { credential: result.credential, signedAtMs: result.signedAtMs };
      if (verifiedTokens.size >= VERIFIED_CACHE_SIZE) verifiedTokens.clear();
      verifiedTokens.set(token, verified);
    }
    const { accountId, roleName, sessionName } = verified.credential;
    const entry = options.accessEntry(`arn:aws:iam::${accountId}:role/${roleName}`);
    if (!entry) return undefined;
    return {
      username: entry.username.replaceAll("{{SessionName}}", sessionName).replaceAll("{{AccountID}}", accountId),
      groups: [...entry.groups, AUTHENTICATED_GROUP],
      unrestricted: entry.clusterAdmin,
    };
  };
}
