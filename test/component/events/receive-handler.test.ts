/** The receive function's handler on an SQS batch: partial batch responses, acknowledgements, the log. */
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import type { ReceiveDeps } from "../../../functions/events/lib/receive-runtime";
import { receiveBatch } from "../../../functions/events/receive";
import { RetryableError } from "../../../src/core/errors";
import {
  fakeDeps,
  fakeWorld,
  instance,
  MemoryLedger,
  node,
  RecordingStarter,
} from "../../unit/core/events/react-fakes";

const A = "i-0aaaaaaaaaaaaaaaa";
const B = "i-0bbbbbbbbbbbbbbbb";

function spot(instanceId: string, id: string): string {
  return JSON.stringify({
    version: "0",
    id,
    "detail-type": "EC2 Spot Instance Interruption Warning",
    source: "aws.ec2",
    account: "123456789012",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    resources: [],
    detail: { "instance-id": instanceId, "instance-action": "terminate" },
  });
}

function batch(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map(
      (body, i) =>
        ({ messageId: `m-${i + 1}`, body, attributes: { ApproximateReceiveCount: "1" } }) as unknown as SQSRecord,
    ),
  };
}

function receiveDeps() {
  const world = fakeWorld({
    instances: [
      instance(A, { tags: { "tugboat:cluster": "prod-eu" } }),
      instance(B, { tags: { "tugboat:cluster": "prod-eu" } }),
    ],
    nodes: new Map([["prod-eu", [node("n-a", A), node("n-b", B)]]]),
  });
  const deps = fakeDeps(world);
  const starter = new RecordingStarter();
  const receive: ReceiveDeps = { deps, ledger: new MemoryLedger(), starter, managedClusters: [] };
  return { world, deps, starter, receive };
}

describe("receive handler", () => {
  it("hands back only the message that failed for a reason a retry can fix", async () => {
    const { starter, receive, deps } = receiveDeps();
    const original = starter.start.bind(starter);
    starter.start = async (name, request) => {
      if (request.instanceId === B) throw new RetryableError("StartExecution throttled");
      return original(name, request);
    };
    const report = await receiveBatch(
      batch([spot(A, "e-a"), "{not json", spot(B, "e-b"), spot(A, "e-a")]),
      () => receive,
    );
    expect(report.batchItemFailures).toEqual([{ itemIdentifier: "m-3" }]);
    expect(report.messages.map((m) => m.outcome?.outcome ?? "failed")).toEqual([
      "handled",
      "unreadable",
      "failed",
      "duplicate",
    ]);
    expect(starter.started.map((s) => s.request.instanceId)).toEqual([A]);
    expect(deps.logs.some((l) => l.startsWith("error event not handled; SQS delivers it again"))).toBe(true);
    expect(deps.logs.some((l) => l.startsWith("warn event (no id) unreadable: message is not JSON"))).toBe(true);
  });

  it("lists each cluster's nodes once per invocation, not once per message", async () => {
    const { world, receive } = receiveDeps();
    await receiveBatch(batch([spot(A, "e-1"), spot(B, "e-2")]), () => receive);
    expect(world.calls.filter((c) => c.startsWith("kube:listNodes"))).toHaveLength(1);
    await receiveBatch(batch([spot(A, "e-3")]), () => receive);
    expect(world.calls.filter((c) => c.startsWith("kube:listNodes"))).toHaveLength(2);
  });
});
