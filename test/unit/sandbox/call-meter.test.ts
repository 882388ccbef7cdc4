import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { sandboxClientConfig } from "../../../src/sandbox/aws/plugin";
import { CallMeter, meterPlugin } from "../../../src/sandbox/call-meter";

/** A client whose service fails each call's first attempts with `errors` (in order), then answers. */
function clientFailingWith(meter: CallMeter, errors: Array<() => Error>) {
  const client = new AutoScalingClient(sandboxClientConfig("us-east-1"));
  // Round trip of attempt n: n seconds. Back-off before retry r: 100 × r after throttling, 10 × r otherwise.
  client.middlewareStack.use(
    meterPlugin(
      meter,
      (_call, attempt) => attempt,
      (_call, retry, throttled) => (throttled ? 100 : 10) * retry,
    ),
  );
  let attempt = 0;
  client.middlewareStack.add(
    () => async () => {
      const fail = errors[attempt++];
      if (fail) throw fail();
      return { output: { $metadata: {}, AutoScalingGroups: [] }, response: { statusCode: 200, headers: {} } };
    },
    { step: "deserialize", priority: "high", name: "fakeService", override: true },
  );
  return client;
}

function named(name: string, status: number): () => Error {
  return () => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

describe("call meter", () => {
  it("charges each attempt its round trip and each retry the back-off the SDK classified, throttled or not", async () => {
    const meter = new CallMeter();
    const client = clientFailingWith(meter, [named("Throttling", 400), named("RequestTimeout", 408)]);
    const out = await client.send(new DescribeAutoScalingGroupsCommand({}));
    expect(out.$metadata.attempts).toBe(3);
    // Attempts 1 + 2 + 3, then 100 × 1 after the throttled first attempt, 10 × 2 after the timed-out second.
    expect(meter.seconds).toBe(1 + 2 + 3 + 100 + 20);
    expect(meter.raw).toBe(1);
  });

  it("charges a call that succeeds at once its one round trip and no back-off", async () => {
    const meter = new CallMeter();
    const client = clientFailingWith(meter, []);
    await client.send(new DescribeAutoScalingGroupsCommand({}));
    await client.send(new DescribeAutoScalingGroupsCommand({}));
    expect(meter.seconds).toBe(2);
    expect(meter.raw).toBe(2);
  });

  it("keeps concurrent calls' retries apart", async () => {
    const meter = new CallMeter();
    const client = clientFailingWith(meter, [named("Throttling", 400)]);
    await Promise.all([
      client.send(new DescribeAutoScalingGroupsCommand({})),
      client.send(new DescribeAutoScalingGroupsCommand({})),
    ]);
    // One call: attempts 1 and 2 plus 100 of back-off; the other: one attempt. Two in flight: each weighs 1/2.
    expect(meter.seconds).toBe((1 + 2 + 100 + 1) / 2);
  });

  it("weighs a pool's calls by the pool's width, whatever order its lanes are resumed in", () => {
    const meter = new CallMeter();
    const lanes = (n: number) =>
      Array.from({ length: n }, () => {
        const started = meter.start();
        started.call.seconds = 3;
        return started.end;
      });
    // A pool of three whose answers arrive in one burst: every lane ends, then the lanes start again one
    // by one. The first call of each round starts alone, yet the three ran side by side.
    for (const end of lanes(3)) end();
    for (const end of lanes(3)) end();
    expect(meter.raw).toBe(6);
    expect(meter.weighted).toBeCloseTo(2, 10);
    expect(meter.seconds).toBeCloseTo(6, 10);
    // Calls one after another weigh 1 each.
    for (let i = 0; i < 3; i++) for (const end of lanes(1)) end();
    expect(meter.weighted).toBeCloseTo(5, 10);
    expect(meter.seconds).toBeCloseTo(15, 10);
  });
});
