/** EKS access entries in the simulated region, through the real SDK client, in EKS's words. */
import {
  CreateAccessEntryCommand,
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  EKSClient,
  ListAccessEntriesCommand,
} from "@aws-sdk/client-eks";
import { describe, expect, it } from "vitest";
import { sandboxClientConfig, sandboxPlugin } from "../../../../src/sandbox/aws/plugin";
import { SimulatedRegion } from "../../../../src/sandbox/aws/region";
import { SeededRandom, VirtualClock } from "../../../../src/sandbox/clock";
import { loadScenario } from "../../../../src/sandbox/scenario/load";

function region(name: "never-seen" | "managed") {
  const scenario = loadScenario(name);
  const clock = new VirtualClock();
  const listener = { instanceRunning() {}, instanceShuttingDown() {}, instanceTerminated() {} };
  const cluster = {
    nodeNameForInstance: () => undefined,
    isNodeReady: () => false,
    setUnschedulable: () => "unchanged",
    evict: () => ({}),
    evictablePodsOnNode: () => [],
    deletePod() {},
  };
  const sim = new SimulatedRegion({
    scenario,
    clock,
    rng: new SeededRandom(scenario.seed),
    listener,
    cluster,
  } as never);
  const eks = new EKSClient(sandboxClientConfig(scenario.region));
  eks.middlewareStack.use(sandboxPlugin(sim, "eks"));
  return { sim, eks, name: scenario.cluster.name };
}

describe("EKS access entries", () => {
  it("a never-seen cluster has only its creator's entry; a connected one Tugboat's role too", async () => {
    const seen = region("managed");
    const unseen = region("never-seen");
    const list = async (r: ReturnType<typeof region>) =>
      (await r.eks.send(new ListAccessEntriesCommand({ clusterName: r.name }))).accessEntries;
    expect(await list(unseen)).toEqual(["arn:aws:iam::123456789012:role/tugboat-sandbox-operator"]);
    expect(await list(seen)).toEqual([
      "arn:aws:iam::123456789012:role/tugboat-sandbox",
      "arn:aws:iam::123456789012:role/tugboat-sandbox-operator",
    ]);
    const described = await seen.eks.send(
      new DescribeAccessEntryCommand({
        clusterName: seen.name,
        principalArn: "arn:aws:iam::123456789012:role/tugboat-sandbox",
      }),
    );
    expect(described.accessEntry).toMatchObject({
      kubernetesGroups: ["tugboat-steps"],
      username: "arn:aws:sts::123456789012:assumed-role/tugboat-sandbox/{{SessionName}}",
      type: "STANDARD",
    });
    const cluster = await seen.eks.send(new DescribeClusterCommand({ name: seen.name }));
    expect(cluster.cluster?.accessConfig?.authenticationMode).toBe("API_AND_CONFIG_MAP");
  });

  it("refuses a duplicate entry, an assumed-role ARN and a system: group, and says when an entry is missing", async () => {
    const { eks, name } = region("never-seen");
    const principalArn = "arn:aws:iam::123456789012:role/steps";
    await eks.send(new CreateAccessEntryCommand({ clusterName: name, principalArn, kubernetesGroups: ["g"] }));
    await expect(eks.send(new CreateAccessEntryCommand({ clusterName: name, principalArn }))).rejects.toMatchObject({
      name: "ResourceInUseException",
    });
    await expect(
      eks.send(
        new CreateAccessEntryCommand({
          clusterName: name,
          principalArn: "arn:aws:sts::123456789012:assumed-role/steps/x",
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterException" });
    await expect(
      eks.send(
        new CreateAccessEntryCommand({
          clusterName: name,
          principalArn: "arn:aws:iam::123456789012:role/other",
          kubernetesGroups: ["system:masters"],
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterException" });
    await expect(
      eks.send(
        new DescribeAccessEntryCommand({ clusterName: name, principalArn: "arn:aws:iam::123456789012:role/none" }),
      ),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });
});
