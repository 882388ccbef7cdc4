/**
 * The receive function (functions/events/receive.ts) as the stacks see it: its module and what it
 * touches. It is not a workflow step, but it is bundled and granted access the same way.
 */
import type { StepFunctionSpec } from "../../workflows/index";

export const RECEIVE_MODULE = "functions/events/receive";
/** Reads tags, groups and nodes, claims the event id in the table, starts the reaction. */
export const RECEIVE_ACCESS: StepFunctionSpec["access"] = ["ec2:read", "autoscaling:read", "state", "kube"];
export const RECEIVE_FUNCTION: StepFunctionSpec = { module: RECEIVE_MODULE, access: RECEIVE_ACCESS };
