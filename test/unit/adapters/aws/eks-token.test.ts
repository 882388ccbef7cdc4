import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eksBearerToken } from "../../../../src/adapters/aws/eks-token";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const now = new Date("2025-01-02T03:04:05Z");

function decode(token: string): URL {
  expect(token.startsWith("k8s-aws-v1.")).toBe(true);
  const encoded = token.slice("k8s-aws-v1.".length);
  expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/); // base64url alphabet, no "=" padding
  return new URL(Buffer.from(encoded, "base64url").toString("utf8"));
}

/** SigV4 written out from the specification, to check the signature covers the cluster header. */
function expectedSignature(url: URL, cluster: string, secret: string): string {
  const params = [...url.searchParams.entries()].filter(([k]) => k !== "X-Amz-Signature");
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = params
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalRequest = [
    "GET",
    "/",
    canonicalQuery,
    `host:${url.host}\nx-k8s-aws-id:${cluster}\n`,
    "host;x-k8s-aws-id",
    createHash("sha256").update("").digest("hex"),
  ].join("\n");
  const amzDate = url.searchParams.get("X-Amz-Date") ?? "";
  const [, date, region, service] = (url.searchParams.get("X-Amz-Credential") ?? "").split("/");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date ?? ""), region ?? ""), service ?? ""), "aws4_request");
  return createHmac("sha256", signingKey).update(stringToSign).digest("hex");
}

describe("eksBearerToken", () => {
  it("is a presigned STS GetCallerIdentity URL in the aws-iam-authenticator format", async () => {
    const token = await eksBearerToken({ clusterName: "prod-eu", region: "eu-west-1", credentials, now });
    const url = decode(token);
    expect(url.protocol).toBe("https:");
    expect(url.host).toBe("sts.eu-west-1.amazonaws.com");
    expect(url.pathname).toBe("/");
    const q = url.searchParams;
    expect(q.get("Action")).toBe("GetCallerIdentity");
    expect(q.get("Version")).toBe("2011-06-15");
    expect(q.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(q.get("X-Amz-Expires")).toBe("60");
    expect(q.get("X-Amz-Date")).toBe("20250102T030405Z");
    expect(q.get("X-Amz-Credential")).toBe("AKIDEXAMPLE/20250102/eu-west-1/sts/aws4_request");
    expect(q.get("X-Amz-SignedHeaders")?.split(";")).toEqual(["host", "x-k8s-aws-id"]);
    expect(q.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("carries only the query parameters the authenticator accepts", async () => {
    const url = decode(await eksBearerToken({ clusterName: "c", region: "us-east-1", credentials, now }));
    const allowed = new Set([
      "action",
      "version",
      "x-amz-algorithm",
      "x-amz-credential",
      "x-amz-date",
      "x-amz-expires",
      "x-amz-security-token",
      "x-amz-signature",
      "x-amz-signedheaders",
    ]);
    for (const key of url.searchParams.keys()) expect(allowed.has(key.toLowerCase())).toBe(true);
  });

  it("signs the cluster name, so the token is good for that cluster only", async () => {
    const url = decode(await eksBearerToken({ clusterName: "prod-eu", region: "eu-west-1", credentials, now }));
    const signature = url.searchParams.get("X-Amz-Signature");
    expect(signature).toBe(expectedSignature(url, "prod-eu", credentials.secretAccessKey));
    expect(signature).not.toBe(expectedSignature(url, "other-cluster", credentials.secretAccessKey));
  });

  it("includes the session token of temporary credentials and accepts a provider", async () => {
    const token = await eksBearerToken({
      clusterName: "c",
      region: "us-east-1",
      credentials: async () => ({ ...credentials, sessionToken: "FwoGZXIvYXdzE+/=" }),
      now,
    });
    expect(token).not.toContain("=");
    expect(decode(token).searchParams.get("X-Amz-Security-Token")).toBe("FwoGZXIvYXdzE+/=");
  });

  it("is deterministic for the same inputs", async () => {
    const a = await eksBearerToken({ clusterName: "c", region: "us-east-1", credentials, now });
    const b = await eksBearerToken({ clusterName: "c", region: "us-east-1", credentials, now });
    expect(a).toBe(b);
  });
});
