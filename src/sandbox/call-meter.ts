/**
 * Measures how much of the sandbox's modelled API latency a step really spends: calls issued
 * concurrently overlap, so each call is weighted by 1 / (calls in flight when it starts). A step's
 * modelled time charges the weighted count; sequential calls weigh 1 each, a pool of ten about 0.1.
 */
import type { Pluggable } from "@smithy/types";
import type { KubePort } from "../core/ports";

export class CallMeter {
  private inFlight = 0;
  weighted = 0;
  raw = 0;

  start(): () => void {
    this.inFlight++;
    this.raw++;
    this.weighted += 1 / this.inFlight;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight--;
    };
  }

  /** Raw calls per weighted call: 1 when sequential, up to the pool size when concurrent. */
  overlap(): number {
    return this.weighted > 0 ? this.raw / this.weighted : 1;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: one plugin serves every client, whatever its types.
export function meterPlugin(meter: CallMeter): Pluggable<any, any> {
  return {
    applyToStack(stack) {
      stack.add(
        (next) => async (args) => {
          const end = meter.start();
          try {
            return await next(args);
          } finally {
            end();
          }
        },
        { step: "initialize", priority: "high", name: "tugboatCallMeter" },
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
        const end = meter.start();
        try {
          return await value.apply(target, args);
        } finally {
          end();
        }
      };
    },
  });
}
