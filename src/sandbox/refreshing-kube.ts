/**
 * Kubernetes access for long-lived callers of the sandbox (the benchmark's peers, test harnesses), which
 * run for virtual hours where a Lambda step lives minutes. An EKS token is honoured 15 minutes; kubectl
 * and client libraries re-run their credential plugin when it nears expiry. This does the same: every
 * call resolves the access again (production's `deps.kube` reuses it for 5 minutes, then signs anew).
 */
import type { KubePort } from "../core/ports";

export function refreshingKube(resolve: () => Promise<KubePort>): KubePort {
  return new Proxy({} as KubePort, {
    get(_target, property) {
      // Not a thenable (so `await` hands the port itself back), and no symbol-keyed members.
      if (property === "then" || typeof property === "symbol") return undefined;
      return async (...args: unknown[]) => {
        const kube = await resolve();
        const method = Reflect.get(kube, property) as unknown;
        if (typeof method !== "function") throw new TypeError(`KubePort has no method ${String(property)}`);
        return method.apply(kube, args);
      };
    },
  });
}
