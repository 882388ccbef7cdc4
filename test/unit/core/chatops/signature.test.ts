import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { headerOf, signSlackRequest, verifySlackSignature } from "../../../../src/core/chatops/signature";
import { publishedFixture } from "../../../support/published-fixtures";

const vector = JSON.parse(readFileSync(publishedFixture("slack/slack-signing-vector.json"), "utf8")) as {
  secret: string;
  timestamp: string;
  body: string;
  signature: string;
};
const now = Number(vector.timestamp);
const headers = { "X-Slack-Request-Timestamp": vector.timestamp, "X-Slack-Signature": vector.signature };

describe("Slack request signatures (v0)", () => {
  it("verifies the published signing vector, and signs it the same", () => {
    expect(signSlackRequest(vector.secret, vector.timestamp, vector.body)).toBe(vector.signature);
    expect(verifySlackSignature({ headers, body: vector.body }, [vector.secret], now)).toEqual({
      ok: true,
      rawBody: vector.body,
    });
  });

  it("reads headers whatever their case, and a base64-encoded body as the raw body it encodes", () => {
    const lower = { "x-slack-request-timestamp": vector.timestamp, "x-slack-signature": vector.signature };
    const body = Buffer.from(vector.body, "utf8").toString("base64");
    expect(verifySlackSignature({ headers: lower, body, isBase64Encoded: true }, [vector.secret], now).ok).toBe(true);
    expect(headerOf({ "X-SLACK-SIGNATURE": "v0=1" }, "x-slack-signature")).toBe("v0=1");
    // The same base64 text taken as the raw body does not verify.
    expect(verifySlackSignature({ headers: lower, body }, [vector.secret], now).ok).toBe(false);
  });

  it("refuses a wrong signature, a changed body and a timestamp more than five minutes away", () => {
    const wrong = verifySlackSignature({ headers, body: vector.body }, ["another-secret"], now);
    expect(wrong).toEqual({ ok: false, reason: "X-Slack-Signature: does not match" });
    expect(verifySlackSignature({ headers, body: `${vector.body}&x=1` }, [vector.secret], now).ok).toBe(false);
    expect(verifySlackSignature({ headers, body: vector.body }, [vector.secret], now + 300).ok).toBe(true);
    const stale = verifySlackSignature({ headers, body: vector.body }, [vector.secret], now + 301);
    expect(stale.ok).toBe(false);
    expect(verifySlackSignature({ headers, body: vector.body }, [vector.secret], now - 301).ok).toBe(false);
    const truncated = { ...headers, "X-Slack-Signature": vector.signature.slice(0, 20) };
    expect(verifySlackSignature({ headers: truncated, body: vector.body }, [vector.secret], now).ok).toBe(false);
    expect(verifySlackSignature({ headers: {}, body: vector.body }, [vector.secret], now).ok).toBe(false);
  });

  it("accepts the previous secret during a rotation, and nothing without a secret", () => {
    expect(verifySlackSignature({ headers, body: vector.body }, ["the-new-secret", vector.secret], now).ok).toBe(true);
    expect(verifySlackSignature({ headers, body: vector.body }, [], now).ok).toBe(false);
  });
});
