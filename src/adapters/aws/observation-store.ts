/**
 * Tugboat's observations (how long replacements, drains, EKS updates took), one item per node group or
 * cluster in the state table, kept bounded and merged under a version condition
 * (src/core/estimates: what turns them into estimates).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { RetryableError } from "../../core/errors";
import {
  alreadyRecorded,
  mergeObservations,
  type Observation,
  type ObservationScope,
} from "../../core/estimates/observations";
import { isConditionalCheckFailed, toStepError } from "./classify";
import { boundedJson, clusterPk, observationsSk } from "./state-table";

/** Attempts at a read-merge-write of observations that other writers keep changing (each round one wins). */
const OBSERVATION_WRITE_ATTEMPTS = 10;

function scopeName(scope: ObservationScope): string {
  return scope.nodeGroup === undefined ? `cluster ${scope.cluster}` : `node group ${scope.cluster}/${scope.nodeGroup}`;
}

export class ObservationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(scope: ObservationScope): Promise<Observation[]> {
    return (await this.read(scope)).observations;
  }

  /**
   * Read, merge, write back on a version condition: two writers of one scope (a retried step and its
   * first attempt) never lose each other's observations, and ids already kept are not added twice.
   */
  async record(scope: ObservationScope, observations: Observation[]): Promise<void> {
    if (observations.length === 0) return;
    const what = `recording ${observations.length} observations of ${scopeName(scope)}`;
    for (let attempt = 0; attempt < OBSERVATION_WRITE_ATTEMPTS; attempt++) {
      const current = await this.read(scope);
      if (alreadyRecorded(current.observations, observations)) return;
      const merged = mergeObservations(current.observations, observations);
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk: clusterPk(scope.cluster),
              sk: observationsSk(scope.nodeGroup),
              json: boundedJson(merged, what),
              version: current.version + 1,
            },
            ...(current.version === 0
              ? { ConditionExpression: "attribute_not_exists(pk)" }
              : {
                  ConditionExpression: "#version = :version",
                  ExpressionAttributeNames: { "#version": "version" },
                  ExpressionAttributeValues: { ":version": current.version },
                }),
          }),
        );
        return;
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw toStepError(err, what);
      }
    }
    throw new RetryableError(`${what}: the item kept changing under concurrent writers, try again`);
  }

  private async read(scope: ObservationScope): Promise<{ observations: Observation[]; version: number }> {
    try {
      const out = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: clusterPk(scope.cluster), sk: observationsSk(scope.nodeGroup) },
          ConsistentRead: true,
        }),
      );
      const json = out.Item?.json;
      return {
        observations: typeof json === "string" ? (JSON.parse(json) as Observation[]) : [],
        version: typeof out.Item?.version === "number" ? out.Item.version : 0,
      };
    } catch (err) {
      throw toStepError(err, `reading the observations of ${scopeName(scope)}`);
    }
  }
}
