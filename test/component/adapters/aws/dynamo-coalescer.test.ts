/** DynamoCoalescer against dynalite: what goes as one batch, and that batching changes no answer. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoCoalescer } from "../../../../src/adapters/aws/dynamo-coalescer";
import { tableDefinition } from "../../../../src/adapters/aws/state-store";

const TABLE = "tugboat-coalescer-test";
let server: Server;
let doc: DynamoDBDocumentClient;
let sent: string[] = [];

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
  await new Promise((resolve) => setTimeout(resolve, 20));
  doc = DynamoDBDocumentClient.from(client);
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: "initialize", name: "countCommands" },
  );
});

beforeEach(() => {
  sent = [];
});

afterAll(async () => {
  doc?.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const key = (sk: string) => ({ pk: "RUN#coalesce", sk });

describe("DynamoCoalescer", () => {
  it("sends a lone get or write as it always was", async () => {
    const table = new DynamoCoalescer(doc, TABLE);
    await table.put({ ...key("alone"), json: "1" });
    expect(await table.get(key("alone"))).toMatchObject({ json: "1" });
    await table.delete(key("alone"));
    expect(await table.get(key("alone"))).toBeUndefined();
    expect(sent).toEqual(["PutItemCommand", "GetItemCommand", "DeleteItemCommand", "GetItemCommand"]);
  });

  it("sends side-by-side writes as one BatchWriteItem and side-by-side gets as one BatchGetItem", async () => {
    const table = new DynamoCoalescer(doc, TABLE);
    await table.put({ ...key("gone"), json: "old" });
    sent = [];
    await Promise.all([
      table.put({ ...key("a"), json: "A" }),
      table.put({ ...key("b"), json: "B" }),
      table.delete(key("gone")),
    ]);
    const [a, b, gone, missing] = await Promise.all([
      table.get(key("a")),
      table.get(key("b")),
      table.get(key("gone")),
      table.get(key("never-written")),
    ]);
    expect([a?.json, b?.json, gone, missing]).toEqual(["A", "B", undefined, undefined]);
    expect(sent).toEqual(["BatchWriteItemCommand", "BatchGetItemCommand"]);
  });

  it("keeps the last of two writes of one key, and answers a get made with them after they land", async () => {
    const table = new DynamoCoalescer(doc, TABLE);
    const [, , seen] = await Promise.all([
      table.put({ ...key("twice"), json: "first" }),
      table.put({ ...key("twice"), json: "second" }),
      table.get(key("twice")),
      table.put({ ...key("other"), json: "x" }),
    ]);
    expect(seen?.json).toBe("second");
    expect(sent).toEqual(["BatchWriteItemCommand", "GetItemCommand"]);
  });

  it("splits more than 25 writes into batches of 25, and shares one read between equal gets", async () => {
    const table = new DynamoCoalescer(doc, TABLE);
    await Promise.all(Array.from({ length: 30 }, (_, i) => table.put({ ...key(`many-${i}`), json: String(i) })));
    expect(sent).toEqual(["BatchWriteItemCommand", "BatchWriteItemCommand"]);
    sent = [];
    const answers = await Promise.all([table.get(key("many-7")), table.get(key("many-7"))]);
    expect(answers.map((item) => item?.json)).toEqual(["7", "7"]);
    expect(sent).toEqual(["GetItemCommand"]);
  });

  it("fails every request of a batch the service refuses", async () => {
    const table = new DynamoCoalescer(doc, "no-such-table");
    const outcomes = await Promise.allSettled([table.get(key("x")), table.get(key("y"))]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/ResourceNotFound|not found/i);
  });
});
