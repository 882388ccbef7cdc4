/**
 * Names the running test for the sandbox's IAM recording (src/sandbox/iam/recording.ts), so that
 * bench/iam-mutation.ts can say which test a removed permission breaks. Does nothing else.
 */
import { beforeEach } from "vitest";
import { recordingLabel } from "../../src/sandbox/iam/recording";

beforeEach((context) => {
  const file = context.task.file?.name ?? "";
  recordingLabel.current = `${file} > ${context.task.name}`;
});
