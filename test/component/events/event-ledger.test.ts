/** DynamoEventLedger against dynalite (a DynamoDB implementation) on 127.0.0.1: the conditional writes. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DynamoEventLedger,
  eventPk,
  RECEIPT_RETENTION_SECONDS,
  RECEIPT_SK,
} from "../../../src/adapters/aws/event-ledger";
import { TTL_ATTRIBUTE, tableDefinition } from "../../../src/adapters/aws/state-table";

const TABLE = "tugboat-events-test";
let server: Server;
let doc: DynamoDBDocumentClient;
let ledger: DynamoEventLedger;
const T0 = new Date("2026-01-01T00:00:00Z");
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

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
  ledger = new DynamoEventLedger(doc, TABLE);
});

afterAll(async () => {
  doc?.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("DynamoEventLedger", () => {
  it("lets the first delivery claim an event and refuses the next, showing what was done", async () => {
    expect(await ledger.claim("e-1", T0, 60)).toEqual({ claimed: true });
    expect(await ledger.claim("e-1", later(1), 60)).toEqual({
      claimed: false,
      receipt: { eventId: "e-1", status: "in-progress", claimedAt: T0.toISOString() },
    });
    await ledger.finish("e-1", "i-0aaa started as e-1-i-0aaa");
    // Handled is handled, however old the claim.
    expect(await ledger.claim("e-1", later(3600), 60)).toEqual({
      claimed: false,
      receipt: { eventId: "e-1", status: "done", claimedAt: T0.toISOString(), summary: "i-0aaa started as e-1-i-0aaa" },
    });
  });

  it("writes an expiry (the table's TTL attribute, epoch seconds) a week after the claim, renewed by a takeover", async () => {
    const stored = async () =>
      (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: eventPk("e-ttl"), sk: RECEIPT_SK } }))).Item;
    await ledger.claim("e-ttl", T0, 60);
    expect(RECEIPT_RETENTION_SECONDS).toBe(7 * 24 * 3600);
    expect((await stored())?.[TTL_ATTRIBUTE]).toBe(Date.parse("2026-01-08T00:00:00Z") / 1000);
    // A stale claim taken over by a redelivery counts from the takeover.
    await ledger.claim("e-ttl", later(120), 60);
    expect((await stored())?.[TTL_ATTRIBUTE]).toBe(Date.parse("2026-01-08T00:02:00Z") / 1000);
    // Finishing keeps the expiry.
    await ledger.finish("e-ttl", "handled");
    expect((await stored())?.[TTL_ATTRIBUTE]).toBe(Date.parse("2026-01-08T00:02:00Z") / 1000);
  });

  it("gives a claim back after a failure, and never gives back a handled event", async () => {
    await ledger.claim("e-2", T0, 60);
    await ledger.release("e-2");
    expect(await ledger.claim("e-2", later(1), 60)).toEqual({ claimed: true });
    await ledger.finish("e-2", "done");
    await ledger.release("e-2");
    expect((await ledger.claim("e-2", later(2), 60)).claimed).toBe(false);
  });

  it("takes over a claim left in progress past the stale time, not before", async () => {
    await ledger.claim("e-3", T0, 60);
    expect((await ledger.claim("e-3", later(59), 60)).claimed).toBe(false);
    expect(await ledger.claim("e-3", later(61), 60)).toEqual({ claimed: true });
  });

  it("lets exactly one of many concurrent deliveries win", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => ledger.claim("e-4", T0, 60)));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
  });
});
