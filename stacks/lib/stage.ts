/**
 * What a stage is allowed to lose. Development stages are thrown away whole; every other stage keeps
 * its table and logs when the stack is removed, because the table holds the locks and run history an
 * operator needs after an accident.
 */
import { RemovalPolicy } from "aws-cdk-lib";

export interface StageInfo {
  stage: string;
  mode: "deploy" | "dev" | "remove";
}

/** `sst dev`, or a stage named "dev" / "dev-<someone>". */
export function isDevStage({ stage, mode }: StageInfo): boolean {
  return mode === "dev" || stage === "dev" || stage.startsWith("dev-");
}

export function removalPolicyFor(info: StageInfo): RemovalPolicy {
  return isDevStage(info) ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}
