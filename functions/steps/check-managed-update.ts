import type { RollState } from "../../src/core/roll/state";
import { checkManagedUpdate } from "../../src/core/steps/roll/managed";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "managed", Awaited<ReturnType<typeof checkManagedUpdate>>>(
  "managed",
  checkManagedUpdate,
);
