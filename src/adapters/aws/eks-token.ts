/**
 * An EKS bearer token in the format of `aws eks get-token` and aws-iam-authenticator: a SigV4
 * query-presigned STS GetCallerIdentity GET URL with the `x-k8s-aws-id: <cluster>` header signed,
 * base64url-encoded without padding and prefixed "k8s-aws-v1.".
 *
 * The API server's authenticator decodes the URL, accepts only the STS host of a known region, path
 * "/", and the Action, Version and X-Amz-* query parameters, insists that x-k8s-aws-id is among the
 * signed headers, and then performs the GET itself. STS honours a presigned URL for 15 minutes after
 * X-Amz-Date whatever X-Amz-Expires says; 60 is what the reference tools send and what older
 * authenticators require (they reject values above 60).
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

export const EKS_TOKEN_PREFIX = "k8s-aws-v1.";
export const CLUSTER_ID_HEADER = "x-k8s-aws-id";
const PRESIGN_EXPIRES_SECONDS = 60;

/** RFC 3986 escaping, as SigV4 canonicalises query values (encodeURIComponent leaves !'()* alone). */
function escapeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export async function eksBearerToken(opts: {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  now?: Date;
}): Promise<string> {
  const hostname = `sts.${opts.region}.amazonaws.com`;
  const signer = new SignatureV4({
    credentials: opts.credentials,
    region: opts.region,
    service: "sts",
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: "GET",
    protocol: "https:",
    hostname,
    path: "/",
    // `host` must be present to be signed; the cluster header is what ties the token to one cluster.
    headers: { host: hostname, [CLUSTER_ID_HEADER]: opts.clusterName },
    query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
  });
  const presigned = await signer.presign(request, {
    expiresIn: PRESIGN_EXPIRES_SECONDS,
    signingDate: opts.now ?? new Date(),
  });
  const query = Object.entries(presigned.query ?? {})
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${escapeRfc3986(key)}=${escapeRfc3986(value)}`)
    .join("&");
  const url = `https://${hostname}/?${query}`;
  return EKS_TOKEN_PREFIX + Buffer.from(url, "utf8").toString("base64url");
}
