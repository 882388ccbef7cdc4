import { lookAtTarget } from "../../../src/core/events/react/target";
import type { RunRef } from "../../../src/core/roll/state";
import { stepHandler } from "../../lib/step-handler";

/** The first step sees the request as the receive handler sent it: it validates it and re-reads live state. */
export const handler = stepHandler<
  { request: unknown; run: RunRef },
  "target",
  Awaited<ReturnType<typeof lookAtTarget>>
>("target", lookAtTarget);
