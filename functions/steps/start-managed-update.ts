import type { RollState } from "../../src/core/roll/state";
import { startManagedUpdate } from "../../src/core/steps/roll/managed";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "managed", Awaited<ReturnType<typeof startManagedUpdate>>>(
  "managed",
  startManagedUpdate,
);
