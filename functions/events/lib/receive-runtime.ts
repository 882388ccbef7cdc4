/**
 * Where the receive function gets its dependencies. In Lambda: real clients built once per cold start
 * from the environment the Events stack sets. In the sandbox: the caller supplies them for one
 * delivery with `runWithReceiveDeps`, so the same handler module serves both.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { DynamoEventLedger } from "../../../src/adapters/aws/event-ledger";
import { SfnReactionStarter } from "../../../src/adapters/aws/reaction-starter";
import { createAwsDeps } from "../../../src/adapters/deps";
import type { ReceiveContext } from "../../../src/core/events/react/receive";
import type { Deps } from "../../../src/core/ports";
import { RECEIVE_ENVIRONMENT } from "./receive-environment";

/** Everything a delivery needs except the per-invocation identity cache, which the handler makes. */
export type ReceiveDeps = Omit<ReceiveContext, "identity"> & {
  deps: Deps;
  /** Clusters this deployment manages (TUGBOAT_CLUSTERS); empty: any cluster carrying a cluster tag. */
  managedClusters: string[];
};

export { RECEIVE_ENVIRONMENT };

const scoped = new AsyncLocalStorage<ReceiveDeps>();
let coldStart: ReceiveDeps | undefined;

export function runWithReceiveDeps<T>(deps: ReceiveDeps, fn: () => T): T {
  return scoped.run(deps, fn);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the Events stack sets it on the receive function`);
  return value;
}

export function currentReceiveDeps(): ReceiveDeps {
  const sandbox = scoped.getStore();
  if (sandbox) return sandbox;
  if (!coldStart) {
    const tableName = required(RECEIVE_ENVIRONMENT.table);
    const deps = createAwsDeps({ region: process.env.AWS_REGION ?? "us-east-1", tableName });
    coldStart = {
      deps,
      ledger: new DynamoEventLedger(deps.clients.dynamo, tableName),
      starter: new SfnReactionStarter(deps.clients.sfn, required(RECEIVE_ENVIRONMENT.stateMachine)),
      managedClusters: (process.env[RECEIVE_ENVIRONMENT.clusters] ?? "")
        .split(",")
        .map((c) => c.trim())
        .filter((c) => c !== ""),
    };
  }
  return coldStart;
}
