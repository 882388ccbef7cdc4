/**
 * The child side of a prediction spread over processes (predict.ts): takes one share of the runs over
 * IPC, runs them in this process and answers with their figures.
 */
import type { PredictWorkerAnswer, PredictWorkerAsk } from "./predict";
import { runSeeds } from "./predict-runs";

process.once("message", async (ask: PredictWorkerAsk) => {
  let answer: PredictWorkerAnswer;
  try {
    answer = { figures: await runSeeds(ask.scenario, ask.what, ask.indices) };
  } catch (error) {
    answer = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.send?.(answer, () => process.exit(0));
});

// The parent gone (interrupted, killed), nobody will read these figures: stop instead of running on.
process.once("disconnect", () => process.exit(1));
