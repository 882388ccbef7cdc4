/**
 * StatePort on one DynamoDB table (layout in state-table.ts). Locks use conditional writes so that two
 * executions can never both believe they own a cluster; every read of a lock or run is strongly
 * consistent because the next step may run a second after the previous one wrote.
 *
 * Size: a DynamoDB item holds at most 400 KB. Run data and item values are stored as one JSON string
 * each and refused with a TerminalError above MAX_VALUE_BYTES, so an oversized plan fails loudly at
 * the write that made it, not later. Large node lists belong in several items (one per batch).
 */
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { RetryableError } from "../../core/errors";
import type { Observation, ObservationScope } from "../../core/estimates/observations";
import type { LockRecord, RunRecord, RunStatus } from "../../core/model/state";
import type { StatePort } from "../../core/ports";
import { isConditionalCheckFailed, toStepError } from "./classify";
import { DynamoCoalescer } from "./dynamo-coalescer";
import { ObservationStore } from "./observation-store";
import {
  boundedJson,
  clusterPk,
  itemSk,
  LOCK_SK,
  RUN_INDEX_PREFIX,
  RUN_META_SK,
  runIndexSk,
  runPk,
} from "./state-table";

export { tableDefinition } from "./state-table";

const DEFAULT_RUN_LIST_LIMIT = 20;
/** BatchGetItem takes at most 100 keys per call. */
const BATCH_GET_MAX = 100;
/** Rounds of UnprocessedKeys (the service sheds load this way) before giving up for this attempt. */
const BATCH_GET_ROUNDS = 5;
/** Attempts at creating a lock that keeps vanishing between our write and our read. */
const LOCK_CREATE_ATTEMPTS = 3;

type Item = Record<string, unknown>;

function toLock(item: Item): LockRecord {
  const lock: LockRecord = {
    cluster: String(item.cluster),
    owner: String(item.owner),
    operation: String(item.operation),
    acquiredAt: String(item.acquiredAt),
  };
  // Not `expiresAt`: that is the table's TTL attribute, which would delete the lock itself.
  if (typeof item.leaseExpiresAt === "string") lock.expiresAt = item.leaseExpiresAt;
  if (item.abortRequested === true) lock.abortRequested = true;
  if (typeof item.abortRequestedBy === "string") lock.abortRequestedBy = item.abortRequestedBy;
  return lock;
}

function lockItem(lock: LockRecord): Item {
  const item: Item = {
    pk: clusterPk(lock.cluster),
    sk: LOCK_SK,
    cluster: lock.cluster,
    owner: lock.owner,
    operation: lock.operation,
    acquiredAt: lock.acquiredAt,
  };
  if (lock.expiresAt !== undefined) item.leaseExpiresAt = lock.expiresAt;
  if (lock.abortRequested !== undefined) item.abortRequested = lock.abortRequested;
  if (lock.abortRequestedBy !== undefined) item.abortRequestedBy = lock.abortRequestedBy;
  return item;
}

function toRun(item: Item): RunRecord {
  return {
    runId: String(item.runId),
    cluster: String(item.cluster),
    nodeGroup: String(item.nodeGroup),
    workflow: String(item.workflow),
    status: String(item.status) as RunStatus,
    startedAt: String(item.startedAt),
    updatedAt: String(item.updatedAt),
    data: typeof item.dataJson === "string" ? (JSON.parse(item.dataJson) as Record<string, unknown>) : {},
  };
}

export class DynamoStateStore implements StatePort {
  private readonly observations: ObservationStore;
  /** Gets and unconditional writes made side by side, sent together (dynamo-coalescer.ts). */
  private readonly requests: DynamoCoalescer;
  /** Run index entries this store has written (cluster and sort key). */
  private readonly indexed = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.observations = new ObservationStore(client, tableName);
    this.requests = new DynamoCoalescer(client, tableName);
  }

  async getLock(cluster: string): Promise<LockRecord | undefined> {
    try {
      const item = await this.requests.get({ pk: clusterPk(cluster), sk: LOCK_SK });
      return item ? toLock(item) : undefined;
    } catch (err) {
      throw toStepError(err, `reading the lock of cluster ${cluster} from table ${this.tableName}`);
    }
  }

  async putLockIfAbsent(lock: LockRecord): Promise<{ ok: true } | { ok: false; holder: LockRecord }> {
    for (let attempt = 0; attempt < LOCK_CREATE_ATTEMPTS; attempt++) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: lockItem(lock),
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
        return { ok: true };
      } catch (err) {
        if (!isConditionalCheckFailed(err)) {
          throw toStepError(err, `taking the lock of cluster ${lock.cluster} for ${lock.owner}`);
        }
      }
      const holder = await this.getLock(lock.cluster);
      if (holder) return { ok: false, holder };
      // Released between our write and our read: try again.
    }
    throw new RetryableError(
      `taking the lock of cluster ${lock.cluster} for ${lock.owner}: the lock kept changing hands, try again`,
    );
  }

  async replaceLock(expectedOwner: string, lock: LockRecord): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: lockItem(lock),
          ConditionExpression: "#owner = :expected",
          ExpressionAttributeNames: { "#owner": "owner" },
          ExpressionAttributeValues: { ":expected": expectedOwner },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw toStepError(err, `taking over the lock of cluster ${lock.cluster} from ${expectedOwner} for ${lock.owner}`);
    }
  }

  async releaseLock(cluster: string, owner: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: clusterPk(cluster), sk: LOCK_SK },
          ConditionExpression: "#owner = :owner",
          ExpressionAttributeNames: { "#owner": "owner" },
          ExpressionAttributeValues: { ":owner": owner },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw toStepError(err, `releasing the lock of cluster ${cluster} held by ${owner}`);
    }
  }

  async requestAbort(cluster: string, requestedBy: string): Promise<LockRecord | undefined> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: clusterPk(cluster), sk: LOCK_SK },
          UpdateExpression: "SET abortRequested = :yes, abortRequestedBy = :by",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":yes": true, ":by": requestedBy },
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes ? toLock(out.Attributes) : undefined;
    } catch (err) {
      // No lock: nothing is running on the cluster, so there is nothing to abort.
      if (isConditionalCheckFailed(err)) return undefined;
      throw toStepError(err, `requesting abort of the operation on cluster ${cluster} for ${requestedBy}`);
    }
  }

  async putRun(run: RunRecord): Promise<void> {
    const what = `saving run ${run.runId} of cluster ${run.cluster}`;
    const dataJson = boundedJson(run.data, what);
    try {
      // The record first, then its index entry: a listing never finds an entry without a record
      // behind it, and rewriting the entry is harmless.
      await this.requests.put({
        pk: runPk(run.runId),
        sk: RUN_META_SK,
        runId: run.runId,
        cluster: run.cluster,
        nodeGroup: run.nodeGroup,
        workflow: run.workflow,
        status: run.status,
        startedAt: run.startedAt,
        updatedAt: run.updatedAt,
        dataJson,
      });
      const indexSk = runIndexSk(run.startedAt, run.runId);
      // The entry never changes once written: a run saved once per tick writes it once per container.
      if (this.indexed.has(`${run.cluster}\u0000${indexSk}`)) return;
      await this.requests.put({ pk: clusterPk(run.cluster), sk: indexSk, runId: run.runId });
      this.indexed.add(`${run.cluster}\u0000${indexSk}`);
    } catch (err) {
      throw toStepError(err, what);
    }
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    try {
      const item = await this.requests.get({ pk: runPk(runId), sk: RUN_META_SK });
      return item ? toRun(item) : undefined;
    } catch (err) {
      throw toStepError(err, `reading run ${runId}`);
    }
  }

  async listRuns(cluster: string, limit = DEFAULT_RUN_LIST_LIMIT): Promise<RunRecord[]> {
    if (limit <= 0) return [];
    const context = `listing runs of cluster ${cluster}`;
    const runIds = await this.newestRunIds(cluster, limit, context);
    const records = await this.batchGetRuns(runIds, context);
    // BatchGetItem answers in no particular order: restore the index's newest-first order.
    return runIds.map((id) => records.get(id)).filter((run): run is RunRecord => run !== undefined);
  }

  async putItem(runId: string, key: string, value: unknown): Promise<void> {
    const what = `saving item ${key} of run ${runId}`;
    try {
      // JSON has no undefined: storing "nothing" means there is no item.
      if (value === undefined) await this.requests.delete({ pk: runPk(runId), sk: itemSk(key) });
      else await this.requests.put({ pk: runPk(runId), sk: itemSk(key), json: boundedJson(value, what) });
    } catch (err) {
      throw toStepError(err, what);
    }
  }

  async getItem<T>(runId: string, key: string): Promise<T | undefined> {
    try {
      const json = (await this.requests.get({ pk: runPk(runId), sk: itemSk(key) }))?.json;
      return typeof json === "string" ? (JSON.parse(json) as T) : undefined;
    } catch (err) {
      throw toStepError(err, `reading item ${key} of run ${runId}`);
    }
  }

  listObservations(scope: ObservationScope): Promise<Observation[]> {
    return this.observations.list(scope);
  }

  recordObservations(scope: ObservationScope, observations: Observation[]): Promise<void> {
    return this.observations.record(scope, observations);
  }

  private async newestRunIds(cluster: string, limit: number, context: string): Promise<string[]> {
    const ids: string[] = [];
    const seen = new Set<string>();
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues: { ":pk": clusterPk(cluster), ":prefix": RUN_INDEX_PREFIX },
            ScanIndexForward: false,
            Limit: limit,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const runId = String(item.runId);
          if (seen.has(runId)) continue;
          seen.add(runId);
          ids.push(runId);
          if (ids.length >= limit) return ids;
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (err) {
      throw toStepError(err, context);
    }
    return ids;
  }

  private async batchGetRuns(runIds: string[], context: string): Promise<Map<string, RunRecord>> {
    const found = new Map<string, RunRecord>();
    for (let start = 0; start < runIds.length; start += BATCH_GET_MAX) {
      let keys: Record<string, unknown>[] = runIds
        .slice(start, start + BATCH_GET_MAX)
        .map((id) => ({ pk: runPk(id), sk: RUN_META_SK }));
      for (let round = 0; keys.length > 0; round++) {
        if (round >= BATCH_GET_ROUNDS) {
          throw new RetryableError(`${context}: DynamoDB left ${keys.length} run records unprocessed, try again`);
        }
        try {
          const out = await this.client.send(
            new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
          );
          for (const item of out.Responses?.[this.tableName] ?? []) {
            const run = toRun(item);
            found.set(run.runId, run);
          }
          keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        } catch (err) {
          throw toStepError(err, context);
        }
      }
    }
    return found;
  }
}
