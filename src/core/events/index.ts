/** Tugboat's event reactions, pure part: normalize raw events, decide, explain. */
export { actionForEvent, SPOT_INTERRUPTION_NOTICE_SECONDS } from "./action";
export type * from "./cluster-event";
export { LAUNCHING_TRANSITION, REPLACE_ROOT_VOLUME_ACTION, TERMINATING_TRANSITION } from "./cluster-event";
export type { DecisionContext, EventAction, EventDecision, LifecycleCompletion } from "./decision";
export { EVENT_ACTIONS } from "./decision";
export { decisionSummary, describeDecision } from "./describe";
export { parseClusterEvent, parseEventText } from "./parse";
export { formatInstant, parseRfc1123, parseRfc3339 } from "./time";
