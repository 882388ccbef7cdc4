/** Updates the progress message of every run started from Slack (a schedule invokes it): src/core/chatops/progress.ts. */
import { type ProgressPass, updateProgress } from "../../src/core/chatops/progress";
import { currentChatOpsDeps } from "./lib/runtime";

export async function handler(): Promise<ProgressPass> {
  const deps = currentChatOpsDeps();
  const policy = await deps.policy();
  return updateProgress(deps, Object.keys(policy.clusters));
}
