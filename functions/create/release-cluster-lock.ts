import type { DeleteState } from "../../src/core/create/delete-state";
import { releaseCreateLock } from "../../src/core/create/lock";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";

/** The way out of create-cluster and delete-cluster alike: the lock goes if this run holds it. */
export const handler = stepHandler<
  CreateState | DeleteState,
  "released",
  Awaited<ReturnType<typeof releaseCreateLock>>
>("released", releaseCreateLock);
