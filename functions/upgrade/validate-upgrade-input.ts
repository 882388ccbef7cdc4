import { validateUpgradeInput } from "../../src/core/steps/upgrade/start";
import { stepHandler } from "../lib/step-handler";

/** The first step sees the raw request: it is where bad input gets its clear error. */
export const handler = stepHandler(
  "input",
  (_deps, state: { request: unknown }) => validateUpgradeInput(state.request),
  {
    requireRun: false,
  },
);
