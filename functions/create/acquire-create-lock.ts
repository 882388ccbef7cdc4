import { acquireCreateLock } from "../../src/core/create/lock";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<CreateState, "lock", Awaited<ReturnType<typeof acquireCreateLock>>>(
  "lock",
  acquireCreateLock,
);
