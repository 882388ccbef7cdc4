/**
 * Plain-number timings (each means exactly this) for tests that assert exact virtual times: the
 * scenario defaults are distributions, sampled per instance, node, pod and call.
 */
export const PLAIN_TIMING = {
  instanceBootSeconds: 60,
  nodeReadySeconds: 30,
  podStartSeconds: 5,
  volumeAttachSeconds: 10,
  stepSeconds: 0.2,
  awsCallSeconds: 0.05,
  kubeCallSeconds: 0.01,
  controlPlaneUpdateSeconds: 600,
  addonUpdateSeconds: 60,
} as const;
