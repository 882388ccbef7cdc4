/** The child side of runScale (scale.ts): one scale run asked over IPC, answered with its figures. */
import { runScaleHere, type ScaleWorkerAnswer, type ScaleWorkerAsk } from "./scale";

process.once("message", async (ask: ScaleWorkerAsk) => {
  let answer: ScaleWorkerAnswer;
  try {
    answer = { figures: await runScaleHere(ask) };
  } catch (error) {
    answer = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.send?.(answer, () => process.exit(0));
});
