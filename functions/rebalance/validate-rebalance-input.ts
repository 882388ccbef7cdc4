import { validateRebalanceInput } from "../../src/core/rebalance/start";
import { stepHandler } from "../lib/step-handler";

/** The first step sees the raw request: it is where bad input gets its clear error. */
export const handler = stepHandler("input", validateRebalanceInput, { requireRun: false });
