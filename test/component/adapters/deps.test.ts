/**
 * createAwsDeps wired the way the sandbox wires it: a plugin answers AWS commands by name inside the
 * SDK's middleware stack, the Kubernetes API is an HTTP server on 127.0.0.1, DynamoDB is dynalite.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tableDefinition } from "../../../src/adapters/aws/state-table";
import { type AwsPlugin, createAwsDeps, KUBE_ACCESS_REUSE_MS } from "../../../src/adapters/deps";
import { powertoolsLog } from "../../../src/adapters/powertools-log";
import type { Log } from "../../../src/core/ports";
import { ApiServerStub } from "./kube/api-server-stub";

const TABLE = "tugboat-deps-test";
const credentials = { accessKeyId: "AKIDSANDBOX", secretAccessKey: "sandbox-secret" };
const virtualNow = new Date("2030-06-01T12:00:00Z");

const apiServer = new ApiServerStub();
let dynamo: Server;
let dynamoEndpoint: string;

/** A region that knows one EKS cluster and one Auto Scaling group, and records every command. */
function fakeRegion(kubePort: () => number) {
  const commands: { service: string; command: string; input: unknown }[] = [];
  const answers: Record<string, (input: Record<string, unknown>) => Record<string, unknown>> = {
    DescribeClusterCommand: (input) => {
      if (input.name !== "demo") {
        throw Object.assign(new Error(`No cluster found for name: ${String(input.name)}.`), {
          name: "ResourceNotFoundException",
          $fault: "client",
          $metadata: { httpStatusCode: 404 },
        });
      }
      return {
        cluster: {
          name: "demo",
          version: "1.31",
          status: "ACTIVE",
          endpoint: `http://127.0.0.1:${kubePort()}`,
          certificateAuthority: { data: "LS0tQ0EtLS0=" },
        },
      };
    },
    DescribeAutoScalingGroupsCommand: () => ({
      AutoScalingGroups: [{ AutoScalingGroupName: "demo-workers", MinSize: 1, MaxSize: 4, DesiredCapacity: 2 }],
    }),
  };
  const plugin = (service: string): AwsPlugin => ({
    applyToStack(stack) {
      stack.add(
        (_next, context) => async (args) => {
          const command = String(context.commandName);
          commands.push({ service, command, input: args.input });
          const answer = answers[command];
          if (!answer) throw new Error(`the fake region does not answer ${command}`);
          return {
            output: { $metadata: { httpStatusCode: 200 }, ...answer(args.input as Record<string, unknown>) },
            response: { statusCode: 200, headers: {}, body: undefined },
          };
        },
        { step: "deserialize", priority: "high", name: "fakeRegion" },
      );
    },
  });
  return { commands, plugin };
}

beforeAll(async () => {
  await apiServer.start();
  dynamo = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, "127.0.0.1", resolve));
  dynamoEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
  const admin = new DynamoDBClient({ region: "us-east-1", endpoint: dynamoEndpoint, credentials });
  await admin.send(new CreateTableCommand({ TableName: TABLE, ...tableDefinition() }));
  admin.destroy();
});

afterAll(async () => {
  await apiServer.stop();
  await new Promise<void>((resolve) => dynamo.close(() => resolve()));
});

function build(
  region: ReturnType<typeof fakeRegion>,
  pluginServices: string[],
  log?: Log,
  now: () => Date = () => virtualNow,
) {
  return createAwsDeps({
    region: "eu-west-1",
    tableName: TABLE,
    clientConfig: { credentials, maxAttempts: 1 },
    plugins: (service) => {
      pluginServices.push(service);
      return [region.plugin(service)];
    },
    clock: { now },
    dynamoEndpoint,
    ...(log ? { log } : {}),
  });
}

describe("createAwsDeps", () => {
  it("plugs the region into every AWS client except DynamoDB", async () => {
    const region = fakeRegion(() => apiServer.port);
    const services: string[] = [];
    const deps = build(region, services);
    expect(services.sort()).toEqual([
      "autoscaling",
      "ec2",
      "eks",
      "elasticloadbalancing",
      "secretsmanager",
      "sfn",
      "ssm",
    ]);

    expect((await deps.autoScaling.describeGroup("demo-workers"))?.maxSize).toBe(4);
    expect(region.commands.map((c) => `${c.service}:${c.command}`)).toEqual([
      "autoscaling:DescribeAutoScalingGroupsCommand",
    ]);
  });

  it("reaches an EKS cluster's API with a bearer token signed at the clock's time", async () => {
    apiServer.reset();
    apiServer.on((req) =>
      req.path === "/api/v1/nodes"
        ? { status: 200, body: { kind: "NodeList", apiVersion: "v1", metadata: {}, items: [] } }
        : undefined,
    );
    const region = fakeRegion(() => apiServer.port);
    const deps = build(region, []);
    const kube = await deps.kube("demo");
    expect(await kube.listNodes()).toEqual([]);

    const authorization = String(apiServer.requests[0]?.headers.authorization);
    expect(authorization.startsWith("Bearer k8s-aws-v1.")).toBe(true);
    const url = new URL(Buffer.from(authorization.slice("Bearer k8s-aws-v1.".length), "base64url").toString("utf8"));
    expect(url.host).toBe("sts.eu-west-1.amazonaws.com");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20300601T120000Z");
    expect(url.searchParams.get("X-Amz-Credential")?.startsWith("AKIDSANDBOX/20300601/eu-west-1/sts/")).toBe(true);
    expect(region.commands.map((c) => c.command)).toContain("DescribeClusterCommand");
  });

  it("reuses a cluster's Kubernetes access for a few minutes, then builds it anew with a fresh token", async () => {
    let now = virtualNow.getTime();
    const region = fakeRegion(() => apiServer.port);
    const deps = build(region, [], undefined, () => new Date(now));
    const describes = () => region.commands.filter((c) => c.command === "DescribeClusterCommand").length;
    const first = await deps.kube("demo");
    expect(await deps.kube("demo")).toBe(first);
    expect(describes()).toBe(1);
    now += KUBE_ACCESS_REUSE_MS - 1000;
    expect(await deps.kube("demo")).toBe(first);
    now += 2000;
    expect(await deps.kube("demo")).not.toBe(first);
    expect(describes()).toBe(2);
    // A cluster that cannot be reached is not remembered.
    await expect(deps.kube("nope")).rejects.toThrow();
    await expect(deps.kube("nope")).rejects.toThrow();
    expect(region.commands.filter((c) => (c.input as { name?: string }).name === "nope").length).toBeGreaterThanOrEqual(
      2,
    );
  });

  it("keeps its state in the DynamoDB table at the endpoint given", async () => {
    const deps = build(
      fakeRegion(() => apiServer.port),
      [],
    );
    const lock = { cluster: "demo", owner: "exec-1", operation: "roll", acquiredAt: virtualNow.toISOString() };
    expect(await deps.state.putLockIfAbsent(lock)).toEqual({ ok: true });
    expect(await deps.state.getLock("demo")).toEqual(lock);
    expect(deps.clock.now()).toEqual(virtualNow);
  });

  it("uses the log it is given", () => {
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const deps = build(
      fakeRegion(() => apiServer.port),
      [],
      log,
    );
    deps.log.info("cordoned", { node: "n1" });
    expect(log.info).toHaveBeenCalledWith("cordoned", { node: "n1" });
  });
});

describe("powertoolsLog", () => {
  it("writes one structured JSON line with the attributes", () => {
    // Powertools prints through its own Console on stdout; dev mode sends it to the global console,
    // where a test can read it.
    vi.stubEnv("POWERTOOLS_DEV", "true");
    const printed: string[] = [];
    const spy = vi.spyOn(console, "warn").mockImplementation((line: unknown) => {
      printed.push(String(line));
    });
    try {
      powertoolsLog().warn("drain blocked", { node: "n1", pdb: "shop/web" });
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(printed).toHaveLength(1);
    const entry = JSON.parse(printed[0] ?? "") as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: "WARN",
      message: "drain blocked",
      service: "tugboat",
      node: "n1",
      pdb: "shop/web",
    });
  });
});
