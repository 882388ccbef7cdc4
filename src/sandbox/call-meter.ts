/**
 * Charges API calls the modelled time they take, by one rule for every caller (Tugboat's steps and the
 * benchmark's peers alike): each call costs the sampled round trip of each of its attempts plus the
 * SDK's retry back-off between them (src/sandbox/timing/virtual-retry.ts), and calls issued
 * concurrently overlap, so a call is weighted by 1 / (the most calls in flight at once while it was).
 * Sequential calls weigh 1 each, a pool of ten 0.1 each. The most during its life, not the count when it
 * starts: how many are in flight at one call's start depends on the order the event loop resumes the
 * callers (a pool whose answers arrive in one burst restarts its lanes one by one), and a charge must
 * not depend on that.
 *
 * The call travels from the per-call middleware to the per-attempt one in the SDK's handler context,
 * not in an AsyncLocalStorage: a store in use makes Node 22 hook every promise the process creates
 * (2 % of a sandbox run's profile in async_hooks alone, bench/README.md).
 */
import type { HandlerExecutionContext, Pluggable } from "@smithy/types";
import type { KubePort } from "../core/ports";
import { retryKindOf } from "./timing/virtual-retry";

export interface MeteredCall {
  /** Calls numbered in the order they started: the entity their samples are drawn for. */
  readonly id: number;
  /** The most calls in flight at once while this one was (itself included). */
  peak: number;
  attempts: number;
  /** Modelled seconds so far: attempts' round trips and back-off waits. */
  seconds: number;
  /** What the last attempt failed with, if it failed. */
  lastError?: unknown;
}

const METERED_CALL = Symbol("tugboat.meteredCall");
type MeteredContext = HandlerExecutionContext & { [METERED_CALL]?: MeteredCall };

export class CallMeter {
  private readonly open = new Set<MeteredCall>();
  private started = 0;
  /** Calls finished. */
  raw = 0;
  /** Calls finished, each weighted by overlap. */
  weighted = 0;
  /** Modelled seconds of finished calls, each weighted by overlap. */
  seconds = 0;

  start(): { call: MeteredCall; end: () => void } {
    const call: MeteredCall = { id: ++this.started, peak: 0, attempts: 0, seconds: 0 };
    this.open.add(call);
    const inFlight = this.open.size;
    for (const other of this.open) if (other.peak < inFlight) other.peak = inFlight;
    let ended = false;
    return {
      call,
      end: () => {
        if (ended) return;
        ended = true;
        this.open.delete(call);
        const weight = 1 / call.peak;
        this.raw++;
        this.weighted += weight;
        this.seconds += call.seconds * weight;
      },
    };
  }
}

/**
 * Meters every call of an SDK client: one record per call (above the retry middleware), and per attempt
 * (below it) a sampled round trip plus, from the second attempt on, the back-off the SDK would have
 * slept before it. `attemptSeconds` draws the round trip of attempt n of call id; `backoffSeconds` the
 * wait before retry r (1, 2, …), longer after throttling.
 */
export function meterPlugin(
  meter: CallMeter,
  attemptSeconds: (call: number, attempt: number) => number = () => 0,
  backoffSeconds: (call: number, retry: number, throttled: boolean) => number = () => 0,
  // biome-ignore lint/suspicious/noExplicitAny: one plugin serves every client, whatever its types.
): Pluggable<any, any> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context: MeteredContext) => async (args) => {
          const { call, end } = meter.start();
          context[METERED_CALL] = call;
          try {
            return await next(args);
          } finally {
            end();
          }
        },
        { step: "initialize", priority: "high", name: "tugboatCallMeter" },
      );
      stack.add(
        (next, context: MeteredContext) => async (args) => {
          const call = context[METERED_CALL];
          if (!call) return next(args);
          call.attempts++;
          if (call.attempts > 1) {
            const throttled = retryKindOf(call.lastError) === "THROTTLING";
            call.seconds += backoffSeconds(call.id, call.attempts - 1, throttled);
          }
          call.seconds += attemptSeconds(call.id, call.attempts);
          try {
            return await next(args);
          } catch (error) {
            call.lastError = error;
            throw error;
          }
        },
        { step: "finalizeRequest", priority: "low", name: "tugboatCallAttemptMeter" },
      );
    },
  };
}

/** Wraps a KubePort so each of its calls is metered (a call may be one or a few HTTP requests). */
export function meteredKube(kube: KubePort, meter: CallMeter): KubePort {
  return new Proxy(kube, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const { end } = meter.start();
        try {
          return await value.apply(target, args);
        } finally {
          end();
        }
      };
    },
  });
}
