import type { DeleteState } from "../../src/core/create/delete-state";
import { acquireDeleteLock } from "../../src/core/create/lock";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<DeleteState, "lock", Awaited<ReturnType<typeof acquireDeleteLock>>>(
  "lock",
  acquireDeleteLock,
);
