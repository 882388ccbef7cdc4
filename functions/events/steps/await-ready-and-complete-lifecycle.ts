import { awaitReadyAndCompleteLifecycle } from "../../../src/core/events/react/lifecycle-steps";
import type { ReactionState } from "../../../src/core/events/react/state";
import { stepHandler } from "../../lib/step-handler";

export const handler = stepHandler<
  ReactionState,
  "reaction",
  Awaited<ReturnType<typeof awaitReadyAndCompleteLifecycle>>
>("reaction", awaitReadyAndCompleteLifecycle);
