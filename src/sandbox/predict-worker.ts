/**
 * The child side of a prediction spread over processes (predict.ts): takes one share of the runs over
 * IPC, runs them in this process and answers with their figures.
 */
import { type PredictWorkerAnswer, type PredictWorkerAsk, runSeeds } from "./predict";

process.once("message", async (ask: PredictWorkerAsk) => {
  let answer: PredictWorkerAnswer;
  try {
    answer = { figures: await runSeeds(ask.scenario, ask.what, ask.indices) };
  } catch (error) {
    answer = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.send?.(answer, () => process.exit(0));
});
