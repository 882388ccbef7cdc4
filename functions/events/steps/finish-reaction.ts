import { finishReaction } from "../../../src/core/events/react/finish-step";
import type { ReactionState } from "../../../src/core/events/react/state";
import { stepHandler } from "../../lib/step-handler";

export const handler = stepHandler<ReactionState, "finish", Awaited<ReturnType<typeof finishReaction>>>(
  "finish",
  finishReaction,
);
