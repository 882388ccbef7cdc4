/**
 * Execution names derived from the request: Slack retries a request it got no timely answer for
 * (X-Slack-Retry-Num) with the same body, so the same name comes out, and Step Functions itself refuses
 * to start a second execution under it. Names are at most 80 characters of [A-Za-z0-9-_].
 */
import { createHash } from "node:crypto";

const MAX_NAME = 80;

export function executionNameFor(request: {
  action: string;
  cluster: string;
  teamId?: string;
  triggerId: string;
  text: string;
}): string {
  const digest = createHash("sha256")
    .update([request.teamId ?? "", request.triggerId, request.text].join("\n"))
    .digest("hex")
    .slice(0, 16);
  const cluster = request.cluster.replace(/[^A-Za-z0-9_-]/g, "-");
  const prefix = `slack-${request.action}-`;
  const room = MAX_NAME - prefix.length - digest.length - 1;
  return `${prefix}${cluster.slice(0, room)}-${digest}`;
}
