/**
 * The receive function (functions/events/receive.ts) as the stacks see it: its module and what it
 * touches (declared with the workflows in workflows/index.ts, so the sandbox enforces the same list).
 * It is not a workflow step, but it is bundled and granted access the same way.
 */
import { receiveFunction, type StepFunctionSpec } from "../../workflows/index";

export const RECEIVE_MODULE = receiveFunction.module;
/** Reads tags, groups and nodes, claims the event id in the table, starts the reaction. */
export const RECEIVE_ACCESS: StepFunctionSpec["access"] = receiveFunction.access;
export const RECEIVE_FUNCTION: StepFunctionSpec = receiveFunction;
