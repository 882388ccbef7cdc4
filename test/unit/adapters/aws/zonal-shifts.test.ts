import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ArcZonalShiftAdapter, arcZonalShiftSend, type FetchLike } from "../../../../src/adapters/aws/zonal-shifts";
import { TerminalError } from "../../../../src/core/errors";

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "session-token-example",
};
const now = new Date("2026-03-04T05:06:07Z");

interface Sent {
  url: URL;
  method: string;
  headers: Record<string, string>;
}

/** A fetch that records what it is asked and answers the given pages in turn, without any network. */
function recordingFetch(responses: { status: number; body: unknown }[]): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    sent.push({ url: new URL(url), method: init.method, headers: init.headers });
    const next = responses.shift() ?? { status: 500, body: { message: "no more pages in this test" } };
    return {
      ok: next.status >= 200 && next.status < 300,
      status: next.status,
      text: async () => JSON.stringify(next.body),
    };
  };
  return { fetch, sent };
}

/** SigV4 for a header-signed GET, written out from the specification (host taken from the URL). */
function expectedSignature(sent: Sent, secret: string): string {
  const authorization = sent.headers.authorization ?? "";
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? "";
  const [, date, region, service] = (/Credential=([^,]+)/.exec(authorization)?.[1] ?? "").split("/");
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = [...sent.url.searchParams.entries()]
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const headerValue = (name: string) => (name === "host" ? sent.url.host : (sent.headers[name] ?? "").trim());
  const canonicalHeaders = signedHeaders
    .split(";")
    .map((name) => `${name}:${headerValue(name)}\n`)
    .join("");
  const canonicalRequest = [
    sent.method,
    sent.url.pathname,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    createHash("sha256").update("").digest("hex"),
  ].join("\n");
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    sent.headers["x-amz-date"],
    `${date}/${region}/${service}/aws4_request`,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date ?? ""), region ?? ""), service ?? ""), "aws4_request");
  return createHmac("sha256", signingKey).update(stringToSign).digest("hex");
}

describe("arcZonalShiftSend", () => {
  it("sends a SigV4-signed GET /zonalshifts?status=ACTIVE to ARC zonal shift's regional endpoint", async () => {
    const { fetch, sent } = recordingFetch([{ status: 200, body: { items: [] } }]);
    const send = arcZonalShiftSend({ region: "eu-west-1", credentials, fetch, now: () => now });
    await send({ status: "ACTIVE" });
    expect(sent).toHaveLength(1);
    const [request] = sent as [Sent];
    expect(request.method).toBe("GET");
    expect(request.url.protocol).toBe("https:");
    expect(request.url.host).toBe("arc-zonal-shift.eu-west-1.amazonaws.com");
    expect(request.url.pathname).toBe("/zonalshifts");
    expect([...request.url.searchParams.entries()]).toEqual([["status", "ACTIVE"]]);
    // fetch sets Host from the URL; it is signed all the same.
    expect(request.headers.host).toBeUndefined();
    expect(request.headers["x-amz-date"]).toBe("20260304T050607Z");
    expect(request.headers["x-amz-security-token"]).toBe("session-token-example");
    const authorization = request.headers.authorization ?? "";
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(authorization).toContain("Credential=AKIDEXAMPLE/20260304/eu-west-1/arc-zonal-shift/aws4_request");
    const signed = (/SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? "").split(";");
    expect(signed).toEqual(expect.arrayContaining(["host", "x-amz-date", "x-amz-security-token"]));
    expect(/Signature=([0-9a-f]{64})$/.exec(authorization)?.[1]).toBe(
      expectedSignature(request, credentials.secretAccessKey),
    );
  });

  it("follows nextToken, escaped and signed, and reads expiry times sent as epoch seconds", async () => {
    const token = "abc+/=def ghi";
    const { fetch, sent } = recordingFetch([
      {
        status: 200,
        body: {
          items: [
            { resourceIdentifier: "arn:aws:lb:1", awayFrom: "euw1-az1", status: "ACTIVE", expiryTime: 1772600000 },
          ],
          nextToken: token,
        },
      },
      {
        status: 200,
        body: { items: [{ resourceIdentifier: "arn:aws:lb:2", awayFrom: "euw1-az2", status: "ACTIVE" }] },
      },
    ]);
    const adapter = new ArcZonalShiftAdapter(
      arcZonalShiftSend({ region: "eu-west-1", credentials, fetch, now: () => now }),
    );
    const shifts = await adapter.listActiveZonalShifts();
    expect(shifts.map((s) => s.awayFrom)).toEqual(["euw1-az1", "euw1-az2"]);
    expect(shifts[0]?.expiryTime?.toISOString()).toBe(new Date(1772600000 * 1000).toISOString());
    expect(sent).toHaveLength(2);
    const second = sent[1] as Sent;
    expect(second.url.search).toBe("?nextToken=abc%2B%2F%3Ddef%20ghi&status=ACTIVE");
    expect(second.url.searchParams.get("nextToken")).toBe(token);
    expect(/Signature=([0-9a-f]{64})$/.exec(second.headers.authorization ?? "")?.[1]).toBe(
      expectedSignature(second, credentials.secretAccessKey),
    );
  });

  it("names the status and ARC's message: a missing grant is terminal, throttling is retried", async () => {
    const denied = recordingFetch([
      { status: 403, body: { message: "User is not authorized to perform ListZonalShifts" } },
    ]);
    const send = arcZonalShiftSend({ region: "eu-west-1", credentials, fetch: denied.fetch, now: () => now });
    const refusal = await send({ status: "ACTIVE" }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(TerminalError);
    expect(String(refusal)).toMatch(/HTTP 403: User is not authorized to perform ListZonalShifts/);

    const throttled = recordingFetch([{ status: 429, body: { message: "Rate exceeded" } }]);
    const again = arcZonalShiftSend({ region: "eu-west-1", credentials, fetch: throttled.fetch, now: () => now });
    const error = await again({ status: "ACTIVE" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TerminalError);
    expect(String(error)).toMatch(/HTTP 429: Rate exceeded/);
  });
});
