import { drainForEvent } from "../../../src/core/events/react/drain-step";
import type { ReactionState } from "../../../src/core/events/react/state";
import { stepHandler } from "../../lib/step-handler";

export const handler = stepHandler<ReactionState, "reaction", Awaited<ReturnType<typeof drainForEvent>>>(
  "reaction",
  drainForEvent,
);
