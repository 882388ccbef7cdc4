import { releaseCreateLock } from "../../src/core/create/lock";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<CreateState, "released", Awaited<ReturnType<typeof releaseCreateLock>>>(
  "released",
  releaseCreateLock,
);
