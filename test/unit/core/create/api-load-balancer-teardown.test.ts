/** The teardown of a self-managed cluster's API server load balancer, against an in-memory ELB. */
import { describe, expect, it } from "vitest";
import { tearDownApiLoadBalancer } from "../../../../src/core/create/self-managed/load-balancer";
import type {
  LoadBalancerPort,
  LoadBalancerView,
  TargetGroupView,
} from "../../../../src/core/create/self-managed/ports";

const OURS = { "tugboat:cluster": "edge", "tugboat:created-by-run": "run-1" };

function elb(tags: Record<string, string>, log: string[], inUseOnce = false): LoadBalancerPort {
  let balancer: LoadBalancerView | undefined = {
    arn: "lb-arn",
    name: "edge-api",
    dnsName: "internal-edge-api.elb",
    scheme: "internal",
    state: "active",
    tags,
  };
  let group: TargetGroupView | undefined = {
    arn: "tg-arn",
    name: "edge-api",
    port: 6443,
    targetType: "instance",
    preserveClientIp: false,
    targets: [],
    tags,
  };
  let refuse = inUseOnce;
  const unused = async () => {
    throw new Error("not used by the teardown");
  };
  return {
    describeLoadBalancer: async () => balancer,
    describeTargetGroup: async () => group,
    deleteLoadBalancer: async () => {
      log.push("delete balancer");
      balancer = undefined;
    },
    deleteTargetGroup: async () => {
      if (refuse) {
        refuse = false;
        log.push("target group in use");
        return "in-use";
      }
      log.push("delete target group");
      group = undefined;
      return "deleted";
    },
    createLoadBalancer: unused,
    createTargetGroup: unused,
    setPreserveClientIp: unused,
    listeners: unused,
    createListener: unused,
    registerTargets: unused,
  };
}

describe("tearDownApiLoadBalancer", () => {
  it("deletes what reaches the cluster first, then the balancer and target group, each pass while either is left", async () => {
    const log: string[] = [];
    const lb = elb(OURS, log, true);
    // Deleting the access changes something once; again, it finds nothing.
    const before = async () => {
      log.push("delete access");
      return log.filter((l) => l === "delete access").length === 1 ? 1 : 0;
    };
    expect(await tearDownApiLoadBalancer(lb, "edge", before)).toEqual({
      changes: 2,
      remaining: ["target group edge-api"],
    });
    // The retry finds the target group alone, and still deletes the access first (idempotently).
    expect(await tearDownApiLoadBalancer(lb, "edge", before)).toEqual({ changes: 1, remaining: [] });
    expect(log).toEqual([
      "delete access",
      "delete balancer",
      "target group in use",
      "delete access",
      "delete target group",
    ]);
    expect(await tearDownApiLoadBalancer(lb, "edge", before)).toEqual({ changes: 0, remaining: [] });
    expect(log.length).toBe(5);
  });

  it("leaves a balancer Tugboat did not make for the cluster, and runs nothing before", async () => {
    const log: string[] = [];
    const lb = elb({ "tugboat:cluster": "other", "tugboat:created-by-run": "run-1" }, log);
    const result = await tearDownApiLoadBalancer(lb, "edge", async () => {
      log.push("delete access");
      return 1;
    });
    expect(result).toEqual({ changes: 0, remaining: [] });
    expect(log).toEqual([]);
  });
});
