/**
 * The sandbox's timings: the scenario's durations, sampled per entity by a TimingSampler and recorded
 * in SampleRecords. The region and the cluster ask it how long each boot, Ready, pod start, attach,
 * shutdown and EKS update takes; the workflow runner and the call meter ask it how long each step,
 * API call attempt and retry back-off takes.
 */
import { flat } from "../flat";
import type { ScenarioTiming } from "../scenario/schema";
import type { Duration } from "./duration";
import { SampleRecords } from "./records";
import { type SampleStream, TimingSampler } from "./sampler";

/** The AWS SDK's standard retry mode (@smithy/util-retry): full-jitter exponential back-off. */
export const SDK_RETRY_DELAY_BASE_MS = 100;
export const SDK_THROTTLING_RETRY_DELAY_BASE_MS = 500;
export const SDK_MAXIMUM_RETRY_DELAY_MS = 20_000;

export interface PodTimingSubject {
  uid: string;
  namespace: string;
  name: string;
  /** The workload's own start or shutdown duration, when it sets one. */
  workload: { namespace: string; name: string; spec: { startSeconds?: Duration; shutdownSeconds?: Duration } };
}

export class TimingModel {
  readonly records = new SampleRecords();
  readonly sampler: TimingSampler;
  private readonly kubeCalls: SampleStream;

  constructor(
    readonly timing: ScenarioTiming,
    seed: number,
    private readonly now: () => number,
  ) {
    this.sampler = new TimingSampler(seed);
    this.kubeCalls = this.sampler.stream("kube-call");
  }

  /** EC2 pending → running of one instance. */
  instanceBoot(instanceId: string, nodeGroup: string): number {
    return this.keep("instance-boot", instanceId, this.timing.instanceBootSeconds, { nodeGroup });
  }

  /** running → node Ready of one instance's kubelet. */
  nodeReady(instanceId: string, nodeGroup: string): number {
    return this.keep("node-ready", instanceId, this.timing.nodeReadySeconds, { nodeGroup });
  }

  /** Containers started → Ready, for one pod (its workload's startSeconds, or timing.podStartSeconds). */
  podStart(pod: PodTimingSubject, nodeName: string): number {
    const duration = pod.workload.spec.startSeconds ?? this.timing.podStartSeconds;
    return this.keep("pod-start", pod.uid, duration, { workload: workloadKey(pod), nodeName });
  }

  /** Attaching a pod's zonal volume to the node it starts on. */
  volumeAttach(pod: PodTimingSubject, nodeName: string): number {
    return this.keep("volume-attach", pod.uid, this.timing.volumeAttachSeconds, {
      workload: workloadKey(pod),
      nodeName,
    });
  }

  /** SIGTERM → exit for one pod, capped by its grace period (the workload's shutdownSeconds, or the grace). */
  podShutdown(pod: PodTimingSubject, graceSeconds: number, nodeName: string | undefined): number {
    const duration = pod.workload.spec.shutdownSeconds ?? graceSeconds;
    const sampled = this.sampler.sample(duration, "pod-shutdown", pod.uid);
    const seconds = Math.min(sampled, graceSeconds);
    this.records.record({
      purpose: "pod-shutdown",
      entity: pod.uid,
      seconds,
      atMs: this.now(),
      workload: workloadKey(pod),
      ...(nodeName ? { nodeName } : {}),
    });
    return seconds;
  }

  controlPlaneUpdate(updateId: string): number {
    return this.keep("control-plane-update", updateId, this.timing.controlPlaneUpdateSeconds, {});
  }

  addonUpdate(updateId: string): number {
    return this.keep("addon-update", updateId, this.timing.addonUpdateSeconds, {});
  }

  /** One Lambda invocation's own time (API calls aside); `invocation` names it (execution, state, count). */
  stepSeconds(invocation: string): number {
    const seconds = this.sampler.sample(this.timing.stepSeconds, "step", invocation);
    this.records.count("step", seconds);
    return seconds;
  }

  /** Round trip of one attempt of one AWS call (`call` numbers the calls in the order they started). */
  awsCallSeconds(call: number, attempt: number): number {
    const seconds = this.sampler.sample(this.timing.awsCallSeconds, "aws-call", `${call}#${attempt}`);
    this.records.count("aws-call", seconds);
    return seconds;
  }

  /** Round trip of the next Kubernetes API request the server receives. */
  kubeCallSeconds(): number {
    const seconds = this.kubeCalls.next(this.timing.kubeCallSeconds);
    this.records.count("kube-call", seconds);
    return seconds;
  }

  /**
   * The SDK's wait before retry `retry` (1, 2, …) of call `call`: full jitter over
   * min(20 s, base × 2^(retry − 1)), base 500 ms after throttling and 100 ms otherwise, as the
   * standard retry strategy computes it; the jitter is drawn from the seed.
   */
  retryBackoffSeconds(call: number, retry: number, throttled: boolean): number {
    const base = throttled ? SDK_THROTTLING_RETRY_DELAY_BASE_MS : SDK_RETRY_DELAY_BASE_MS;
    const ceiling = Math.min(SDK_MAXIMUM_RETRY_DELAY_MS, base * 2 ** (retry - 1));
    const seconds = (this.sampler.uniform("aws-backoff", `${call}#${retry}`) * ceiling) / 1000;
    this.records.count("aws-backoff", seconds);
    return seconds;
  }

  private keep(
    purpose: "instance-boot" | "node-ready" | "pod-start" | "volume-attach" | "control-plane-update" | "addon-update",
    entity: string,
    duration: Duration,
    labels: { nodeGroup?: string; workload?: string; nodeName?: string },
  ): number {
    const seconds = this.sampler.sample(duration, purpose, entity);
    this.records.record({ purpose, entity, seconds, atMs: this.now(), ...labels });
    return seconds;
  }
}

/** "namespace/name" of each workload, one string per workload however many samples name it. */
const workloadKeys = new WeakMap<PodTimingSubject["workload"], string>();

function workloadKey(pod: PodTimingSubject): string {
  let key = workloadKeys.get(pod.workload);
  if (key === undefined) {
    key = flat(`${pod.workload.namespace}/${pod.workload.name}`);
    workloadKeys.set(pod.workload, key);
  }
  return key;
}
