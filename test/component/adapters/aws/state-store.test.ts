/** DynamoStateStore against dynalite (a DynamoDB implementation) on 127.0.0.1. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoStateStore, tableDefinition } from "../../../../src/adapters/aws/state-store";
import { TerminalError } from "../../../../src/core/errors";
import type { LockRecord, RunRecord } from "../../../../src/core/model/state";

const TABLE = "tugboat-state-test";
let server: Server;
let doc: DynamoDBDocumentClient;
let store: DynamoStateStore;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  await client.send(new CreateTableCommand({ TableName: TABLE, ...tableDefinition() }));
  doc = DynamoDBDocumentClient.from(client);
  store = new DynamoStateStore(doc, TABLE);
});

afterAll(async () => {
  doc?.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function lock(cluster: string, owner: string): LockRecord {
  return { cluster, owner, operation: "roll-node-group workers", acquiredAt: "2025-01-01T00:00:00Z" };
}

function run(runId: string, cluster: string, startedAt: string, data: Record<string, unknown> = {}): RunRecord {
  return {
    runId,
    cluster,
    nodeGroup: "workers",
    workflow: "roll",
    status: "running",
    startedAt,
    updatedAt: startedAt,
    data,
  };
}

describe("cluster lock", () => {
  it("is created only when absent, and a second owner learns who holds it", async () => {
    expect(await store.getLock("c1")).toBeUndefined();
    expect(await store.putLockIfAbsent(lock("c1", "exec-a"))).toEqual({ ok: true });
    expect(await store.putLockIfAbsent(lock("c1", "exec-b"))).toEqual({ ok: false, holder: lock("c1", "exec-a") });
    expect(await store.getLock("c1")).toEqual(lock("c1", "exec-a"));
  });

  it("is taken over only from the owner the caller saw (stale-lock recovery)", async () => {
    await store.putLockIfAbsent(lock("c2", "exec-dead"));
    expect(await store.replaceLock("exec-someone-else", lock("c2", "exec-b"))).toBe(false);
    expect((await store.getLock("c2"))?.owner).toBe("exec-dead");
    expect(await store.replaceLock("exec-dead", lock("c2", "exec-b"))).toBe(true);
    expect((await store.getLock("c2"))?.owner).toBe("exec-b");
    // A second contender that also saw exec-dead loses the race.
    expect(await store.replaceLock("exec-dead", lock("c2", "exec-c"))).toBe(false);
  });

  it("is released only by its owner", async () => {
    await store.putLockIfAbsent(lock("c3", "exec-a"));
    expect(await store.releaseLock("c3", "exec-b")).toBe(false);
    expect(await store.getLock("c3")).toBeDefined();
    expect(await store.releaseLock("c3", "exec-a")).toBe(true);
    expect(await store.getLock("c3")).toBeUndefined();
    expect(await store.releaseLock("c3", "exec-a")).toBe(false);
    expect(await store.putLockIfAbsent(lock("c3", "exec-b"))).toEqual({ ok: true });
  });

  it("carries an abort request, and there is nothing to abort without a lock", async () => {
    await store.putLockIfAbsent(lock("c4", "exec-a"));
    expect(await store.requestAbort("c4", "U123 via Slack")).toEqual({
      ...lock("c4", "exec-a"),
      abortRequested: true,
      abortRequestedBy: "U123 via Slack",
    });
    expect(await store.getLock("c4")).toMatchObject({ abortRequested: true });
    expect(await store.requestAbort("no-such-cluster", "U123")).toBeUndefined();
    expect(await store.getLock("no-such-cluster")).toBeUndefined();
  });
});

describe("runs", () => {
  it("stores and reads a run, data included", async () => {
    const record = run("r-1", "runs-a", "2025-01-01T10:00:00Z", { originalSizes: { min: 1, max: 3, desired: 2 } });
    await store.putRun(record);
    expect(await store.getRun("r-1")).toEqual(record);
    const updated = {
      ...record,
      status: "succeeded" as const,
      updatedAt: "2025-01-01T11:00:00Z",
      data: { summary: "ok" },
    };
    await store.putRun(updated);
    expect(await store.getRun("r-1")).toEqual(updated);
    expect(await store.getRun("r-unknown")).toBeUndefined();
  });

  it("lists a cluster's runs newest first, limited, without other clusters' runs", async () => {
    await store.putRun(run("r-old", "runs-b", "2025-02-01T00:00:00Z"));
    await store.putRun(run("r-new", "runs-b", "2025-02-03T00:00:00Z"));
    await store.putRun(run("r-mid", "runs-b", "2025-02-02T00:00:00Z"));
    await store.putRun(run("r-other", "runs-c", "2025-02-04T00:00:00Z"));
    // The lock lives in the same partition and must not show up as a run.
    await store.putLockIfAbsent(lock("runs-b", "r-new"));
    // Writing a run again must not list it twice.
    await store.putRun({ ...run("r-new", "runs-b", "2025-02-03T00:00:00Z"), status: "failed" });

    const all = await store.listRuns("runs-b");
    expect(all.map((r) => r.runId)).toEqual(["r-new", "r-mid", "r-old"]);
    expect(all[0]?.status).toBe("failed");
    expect((await store.listRuns("runs-b", 2)).map((r) => r.runId)).toEqual(["r-new", "r-mid"]);
    expect(await store.listRuns("no-runs")).toEqual([]);
  });

  it("writes the index entry next to the record", async () => {
    await store.putRun(run("r-idx", "runs-d", "2025-03-01T00:00:00Z"));
    const entry = await doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: "CLUSTER#runs-d", sk: "RUN#2025-03-01T00:00:00Z#r-idx" } }),
    );
    expect(entry.Item?.runId).toBe("r-idx");
  });
});

describe("items", () => {
  it("round-trips JSON values per run and key", async () => {
    const plan = { batches: [["i-0a", "i-0b"], ["i-0c"]], surge: 2, note: "ünïcode" };
    await store.putItem("r-items", "plan", plan);
    await store.putItem("r-items", "batch#1", ["i-0c"]);
    expect(await store.getItem("r-items", "plan")).toEqual(plan);
    expect(await store.getItem<string[]>("r-items", "batch#1")).toEqual(["i-0c"]);
    expect(await store.getItem("r-items", "missing")).toBeUndefined();
    expect(await store.getItem("other-run", "plan")).toBeUndefined();
  });

  it("treats storing undefined as removing the item", async () => {
    await store.putItem("r-items-2", "k", { a: 1 });
    await store.putItem("r-items-2", "k", undefined);
    expect(await store.getItem("r-items-2", "k")).toBeUndefined();
  });

  it("refuses a value too big for one DynamoDB item, saying so", async () => {
    const huge = { nodes: Array.from({ length: 20_000 }, (_, n) => `ip-10-0-${n}-1.ec2.internal`) };
    const err = await store.putItem("r-big", "nodes", huge).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TerminalError);
    expect((err as Error).message).toMatch(/saving item nodes of run r-big: \d+ bytes of JSON is over/);
    expect(await store.getItem("r-big", "nodes")).toBeUndefined();
  });
});

describe("observations", () => {
  const seen = (runId: string, what: string, seconds: number, second: number) => ({
    id: `${runId}/${what}/replacement-ready`,
    kind: "replacement-ready" as const,
    seconds,
    runId,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
  });

  it("keeps a node group's observations apart from another group's and from the cluster's", async () => {
    await store.recordObservations({ cluster: "obs1", nodeGroup: "workers" }, [seen("r1", "b0", 90, 1)]);
    await store.recordObservations({ cluster: "obs1", nodeGroup: "system" }, [seen("r1", "b0", 70, 1)]);
    await store.recordObservations({ cluster: "obs1" }, [
      { ...seen("r2", "cp", 900, 2), kind: "control-plane-update", id: "r2/cp/control-plane-update" },
    ]);
    expect((await store.listObservations({ cluster: "obs1", nodeGroup: "workers" })).map((o) => o.seconds)).toEqual([
      90,
    ]);
    expect((await store.listObservations({ cluster: "obs1", nodeGroup: "system" })).map((o) => o.seconds)).toEqual([
      70,
    ]);
    expect((await store.listObservations({ cluster: "obs1" })).map((o) => o.kind)).toEqual(["control-plane-update"]);
    expect(await store.listObservations({ cluster: "obs-none", nodeGroup: "workers" })).toEqual([]);
  });

  it("records idempotently: a retried step's observation is not counted twice", async () => {
    const scope = { cluster: "obs2", nodeGroup: "workers" };
    await store.recordObservations(scope, [seen("r1", "b0", 90, 1), seen("r1", "b1", 95, 2)]);
    await store.recordObservations(scope, [seen("r1", "b1", 96, 3)]);
    await store.recordObservations(scope, [seen("r1", "b1", 97, 4), seen("r2", "b0", 99, 5)]);
    expect((await store.listObservations(scope)).map((o) => o.id)).toEqual([
      "r1/b0/replacement-ready",
      "r1/b1/replacement-ready",
      "r2/b0/replacement-ready",
    ]);
  });

  it("loses nothing when two writers record at once, and stays bounded", async () => {
    const scope = { cluster: "obs3", nodeGroup: "workers" };
    await Promise.all([...Array(4).keys()].map((i) => store.recordObservations(scope, [seen(`r${i}`, "b0", i, i)])));
    expect(await store.listObservations(scope)).toHaveLength(4);
    for (let i = 4; i < 40; i++) await store.recordObservations(scope, [seen(`r${i}`, "b0", i, i)]);
    const kept = await store.listObservations(scope);
    expect(kept).toHaveLength(20);
    expect(kept[0]?.seconds).toBe(20);
  });
});
