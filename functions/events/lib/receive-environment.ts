/** The environment the Events stack sets on the receive function, named once for both sides. */
export const RECEIVE_ENVIRONMENT = {
  table: "TUGBOAT_TABLE",
  stateMachine: "TUGBOAT_REACTION_STATE_MACHINE_ARN",
  /** Clusters this deployment manages, comma-separated; empty: any cluster carrying a cluster tag. */
  clusters: "TUGBOAT_CLUSTERS",
} as const;
