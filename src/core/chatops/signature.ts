/**
 * Slack's request signature, version 0 (https://docs.slack.dev/authentication/verifying-requests-from-slack/):
 * `v0=` + hex(HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body)).
 *
 * Checked over the raw body as it arrived (a function URL or HTTP API may hand it over base64-encoded),
 * with header names looked up case-insensitively (HTTP APIs lowercase them), a five-minute window on
 * the timestamp against replays, a constant-time comparison, and every secret given (the current one and,
 * during a rotation, the previous one).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_VERSION = "v0";
/** Slack's advice: refuse requests whose timestamp is more than five minutes from local time. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface HttpRequest {
  headers: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** A header by name, whatever the case the transport gave it. */
export function headerOf(headers: HttpRequest["headers"], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** The body as Slack sent it: decoded from base64 first when the transport encoded it. */
export function rawBodyOf(request: HttpRequest): string {
  const body = request.body ?? "";
  return request.isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
}

export function signSlackRequest(secret: string, timestamp: string, rawBody: string): string {
  const digest = createHmac("sha256", secret).update(`${SIGNATURE_VERSION}:${timestamp}:${rawBody}`).digest("hex");
  return `${SIGNATURE_VERSION}=${digest}`;
}

export type SignatureCheck = { ok: true; rawBody: string } | { ok: false; reason: string };

export function verifySlackSignature(request: HttpRequest, secrets: string[], nowSeconds: number): SignatureCheck {
  const timestamp = headerOf(request.headers, "X-Slack-Request-Timestamp");
  const signature = headerOf(request.headers, "X-Slack-Signature");
  if (!timestamp || !/^\d+$/.test(timestamp)) {
    return { ok: false, reason: "X-Slack-Request-Timestamp: expected epoch seconds" };
  }
  if (!signature?.startsWith(`${SIGNATURE_VERSION}=`)) {
    return { ok: false, reason: `X-Slack-Signature: expected "${SIGNATURE_VERSION}=<hex>"` };
  }
  const skew = Math.abs(nowSeconds - Number(timestamp));
  if (skew > MAX_CLOCK_SKEW_SECONDS) {
    return {
      ok: false,
      reason: `X-Slack-Request-Timestamp: ${skew} s from now, more than ${MAX_CLOCK_SKEW_SECONDS} s (a replay?)`,
    };
  }
  const usable = secrets.filter((s) => s.length > 0);
  if (usable.length === 0) return { ok: false, reason: "no signing secret configured" };
  const rawBody = rawBodyOf(request);
  const received = Buffer.from(signature, "utf8");
  let matched = false;
  // Every secret is tried, so the time taken says nothing about which one matched.
  for (const secret of usable) {
    const expected = Buffer.from(signSlackRequest(secret, timestamp, rawBody), "utf8");
    if (expected.length === received.length && timingSafeEqual(expected, received)) matched = true;
  }
  return matched ? { ok: true, rawBody } : { ok: false, reason: "X-Slack-Signature: does not match" };
}
