/**
 * Reads and unconditional writes of the state table that a step makes side by side travel together:
 * the gets one turn of the event loop collects go as one BatchGetItem, the puts and deletes as one
 * BatchWriteItem. A tick of the roll reads its run, its pipeline, the cluster lock and its journal at
 * once, and saves its pipeline, counters and batches at once: thirteen round trips to the table became
 * about seven, and a step's latency lost as many. A lone request goes out as it always did (GetItem,
 * PutItem, DeleteItem), so a step that never overlaps its requests needs no batch permission.
 *
 * Same semantics as the single requests: gets are strongly consistent; a write replaces the whole item;
 * two writes of one key in a turn keep the last (DynamoDB refuses a batch that names a key twice), and
 * a get of a key written in the same turn is answered after the write. Conditional writes do not
 * belong here: a batch has no conditions.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from "@aws-sdk/lib-dynamodb";
import { RetryableError } from "../../core/errors";

type Item = Record<string, unknown>;
export interface TableKey {
  pk: string;
  sk: string;
}

/** BatchGetItem takes at most 100 keys per call, BatchWriteItem 25 requests. */
const BATCH_GET_MAX = 100;
const BATCH_WRITE_MAX = 25;
/** Rounds of UnprocessedKeys/UnprocessedItems (the service sheds load this way) before giving up. */
const UNPROCESSED_ROUNDS = 5;
const UNPROCESSED_BACKOFF_MS = 25;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

interface PendingRead extends Waiter<Item | undefined> {
  key: TableKey;
}

interface PendingWrite extends Waiter<void> {
  key: TableKey;
  /** The item to put; undefined deletes the key. */
  item: Item | undefined;
}

const keyOf = (key: TableKey) => `${key.pk}\u0000${key.sk}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DynamoCoalescer {
  private reads: PendingRead[] = [];
  private writes: PendingWrite[] = [];
  private scheduled = false;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The item under `key` (strongly consistent), or undefined. */
  get(key: TableKey): Promise<Item | undefined> {
    return new Promise((resolve, reject) => {
      this.reads.push({ key, resolve, reject });
      this.schedule();
    });
  }

  /** Replaces the item under its key (`item` holds pk and sk). */
  put(item: Item & TableKey): Promise<void> {
    return this.write({ pk: item.pk, sk: item.sk }, item);
  }

  delete(key: TableKey): Promise<void> {
    return this.write(key, undefined);
  }

  private write(key: TableKey, item: Item | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      this.writes.push({ key, item, resolve, reject });
      this.schedule();
    });
  }

  /** After the current turn: every request its promise chains make before waiting on I/O joins the batch. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const reads = this.reads;
      const writes = this.writes;
      this.reads = [];
      this.writes = [];
      const written = writes.length > 0 ? this.flushWrites(writes) : Promise.resolve();
      const writtenKeys = new Set(writes.map((w) => keyOf(w.key)));
      if (reads.length === 0) return;
      // A get of a key this turn also writes sees the write, as it would have in the order they were made.
      if (reads.some((r) => writtenKeys.has(keyOf(r.key)))) void written.then(() => this.flushReads(reads));
      else void this.flushReads(reads);
    });
  }

  private async flushReads(reads: PendingRead[]): Promise<void> {
    const byKey = new Map<string, PendingRead[]>();
    for (const read of reads) {
      const id = keyOf(read.key);
      byKey.set(id, [...(byKey.get(id) ?? []), read]);
    }
    const settle = (id: string, outcome: { item: Item | undefined } | { error: unknown }) => {
      for (const read of byKey.get(id) ?? []) {
        if ("error" in outcome) read.reject(outcome.error);
        else read.resolve(outcome.item);
      }
    };
    const keys = [...byKey.values()].map((waiting) => (waiting[0] as PendingRead).key);
    if (keys.length === 1) {
      const key = keys[0] as TableKey;
      try {
        const out = await this.client.send(
          new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
        );
        settle(keyOf(key), { item: out.Item });
      } catch (error) {
        settle(keyOf(key), { error });
      }
      return;
    }
    for (let start = 0; start < keys.length; start += BATCH_GET_MAX) {
      const chunk = keys.slice(start, start + BATCH_GET_MAX);
      try {
        const found = await this.batchGet(chunk);
        for (const key of chunk) settle(keyOf(key), { item: found.get(keyOf(key)) });
      } catch (error) {
        for (const key of chunk) settle(keyOf(key), { error });
      }
    }
  }

  private async batchGet(keys: TableKey[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    let left: Record<string, unknown>[] = keys.map((key) => ({ pk: key.pk, sk: key.sk }));
    for (let round = 0; left.length > 0; round++) {
      if (round >= UNPROCESSED_ROUNDS)
        throw new RetryableError(`DynamoDB left ${left.length} of ${keys.length} reads unprocessed, try again`);
      if (round > 0) await sleep(UNPROCESSED_BACKOFF_MS * 2 ** round);
      const out = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: left, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[this.tableName] ?? []) {
        found.set(keyOf({ pk: String(item.pk), sk: String(item.sk) }), item);
      }
      left = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return found;
  }

  private async flushWrites(writes: PendingWrite[]): Promise<void> {
    // The last write of a key is the one that lands; the earlier ones settle with it.
    const last = new Map<string, PendingWrite>();
    for (const write of writes) last.set(keyOf(write.key), write);
    const settle = (chunk: PendingWrite[], error?: unknown) => {
      const ids = new Set(chunk.map((w) => keyOf(w.key)));
      for (const write of writes) {
        if (!ids.has(keyOf(write.key))) continue;
        if (error === undefined) write.resolve();
        else write.reject(error);
      }
    };
    const distinct = [...last.values()];
    if (distinct.length === 1) {
      const write = distinct[0] as PendingWrite;
      try {
        if (write.item) await this.client.send(new PutCommand({ TableName: this.tableName, Item: write.item }));
        else
          await this.client.send(
            new DeleteCommand({ TableName: this.tableName, Key: { pk: write.key.pk, sk: write.key.sk } }),
          );
        settle(distinct);
      } catch (error) {
        settle(distinct, error);
      }
      return;
    }
    await Promise.all(
      chunks(distinct, BATCH_WRITE_MAX).map(async (chunk) => {
        try {
          await this.batchWrite(chunk);
          settle(chunk);
        } catch (error) {
          settle(chunk, error);
        }
      }),
    );
  }

  private async batchWrite(chunk: PendingWrite[]): Promise<void> {
    type WriteRequest = { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } };
    let left: WriteRequest[] = chunk.map((w) =>
      w.item ? { PutRequest: { Item: w.item } } : { DeleteRequest: { Key: { pk: w.key.pk, sk: w.key.sk } } },
    );
    for (let round = 0; left.length > 0; round++) {
      if (round >= UNPROCESSED_ROUNDS)
        throw new RetryableError(`DynamoDB left ${left.length} of ${chunk.length} writes unprocessed, try again`);
      if (round > 0) await sleep(UNPROCESSED_BACKOFF_MS * 2 ** round);
      const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: left } }));
      left = (out.UnprocessedItems?.[this.tableName] ?? []) as WriteRequest[];
    }
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
