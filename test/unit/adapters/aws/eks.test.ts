import { readFileSync } from "node:fs";
import {
  DescribeClusterCommand,
  type DescribeClusterCommandOutput,
  DescribeNodegroupCommand,
  type DescribeNodegroupCommandOutput,
  DescribeUpdateCommand,
  type DescribeUpdateCommandOutput,
  EKSClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateNodegroupConfigCommand,
  UpdateNodegroupVersionCommand,
} from "@aws-sdk/client-eks";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EksAdapter } from "../../../../src/adapters/aws/eks";
import { RetryableError, TerminalError } from "../../../../src/core/errors";
import { publishedFixture } from "../../../support/published-fixtures";

const FIXTURES = publishedFixture("aws-api");
/** CLI samples render timestamps as strings; the SDK would hand Date objects. Both are read. */
function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(`${FIXTURES}/${name}`, "utf8")) as T;
}

const eksMock = mockClient(EKSClient);
let adapter: EksAdapter;

beforeEach(() => {
  eksMock.reset();
  adapter = new EksAdapter(new EKSClient({ region: "us-east-2" }));
});

describe("EksAdapter", () => {
  it("maps DescribeCluster, keeping endpoint and CA", async () => {
    eksMock.on(DescribeClusterCommand).resolves(fixture<DescribeClusterCommandOutput>("eks-describe-cluster.cli.json"));
    expect(await adapter.describeCluster("my-eks-cluster")).toEqual({
      name: "my-eks-cluster",
      version: "1.26",
      status: "ACTIVE",
      endpoint: "https://JSA79429HJDASKJDJ8223829MNDNASW.yl4.us-east-2.eks.amazonaws.com",
      certificateAuthorityData: "CA_DATA_STRING...",
      arn: "arn:aws:eks:us-east-2:111122223333:cluster/my-eks-cluster",
      subnetIds: [
        "subnet-0fb75d2d8401716e7",
        "subnet-02184492f67a3d0f9",
        "subnet-04098063527aab776",
        "subnet-0e2907431c9988b72",
        "subnet-04ad87f71c6e5ab4d",
        "subnet-09d912bb63ef21b9a",
      ],
    });
  });

  it("answers undefined for a cluster or node group EKS does not know", async () => {
    const notFound = new ResourceNotFoundException({ message: "No cluster found for name: nope.", $metadata: {} });
    eksMock.on(DescribeClusterCommand).rejects(notFound);
    eksMock.on(DescribeNodegroupCommand).rejects(notFound);
    expect(await adapter.describeCluster("nope")).toBeUndefined();
    expect(await adapter.describeNodegroup("nope", "workers")).toBeUndefined();
  });

  it("maps DescribeNodegroup", async () => {
    eksMock
      .on(DescribeNodegroupCommand)
      .resolves(fixture<DescribeNodegroupCommandOutput>("eks-describe-nodegroup.cli.json"));
    expect(await adapter.describeNodegroup("my-eks-cluster", "my-eks-nodegroup")).toEqual({
      clusterName: "my-eks-cluster",
      name: "my-eks-nodegroup",
      status: "ACTIVE",
      version: "1.26",
      releaseVersion: "1.26.12-20240329",
      amiType: "AL2_x86_64",
      autoScalingGroups: ["eks-my-eks-nodegroup-a8c75f2f-df78-a72f-4063-4b69af3de5b1"],
      scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 1 },
      updateConfig: { maxUnavailable: 1 },
      labels: {},
    });
  });

  it("starts a node group version update and maps the update", async () => {
    eksMock
      .on(UpdateNodegroupVersionCommand)
      .resolves(fixture<DescribeUpdateCommandOutput>("eks-update-nodegroup-version-latest.cli.json"));
    const update = await adapter.updateNodegroupVersion({
      cluster: "my-eks-cluster",
      nodegroup: "my-eks-nodegroup",
      launchTemplate: { id: "lt-1", version: "3" },
    });
    expect(update).toEqual({
      id: "a94ebfc3-6bf8-307a-89e6-7dbaa36421f7",
      type: "VersionUpdate",
      status: "InProgress",
      errors: [],
      createdAt: new Date("2024-04-08T13:16:00.724-04:00"),
    });
    expect(eksMock.commandCalls(UpdateNodegroupVersionCommand)[0]?.args[0].input).toMatchObject({
      clusterName: "my-eks-cluster",
      nodegroupName: "my-eks-nodegroup",
      launchTemplate: { id: "lt-1", version: "3" },
    });
  });

  it("reads update errors from DescribeUpdate", async () => {
    eksMock.on(DescribeUpdateCommand).resolves({
      update: {
        id: "u-1",
        status: "Failed",
        type: "VersionUpdate",
        errors: [{ errorCode: "PodEvictionFailure", errorMessage: "Reached max retries", resourceIds: ["i-0a"] }],
      },
    });
    const update = await adapter.describeUpdate({ cluster: "c", nodegroup: "ng", updateId: "u-1" });
    expect(update.status).toBe("Failed");
    expect(update.errors).toEqual([
      { code: "PodEvictionFailure", message: "Reached max retries", resourceIds: ["i-0a"] },
    ]);
    expect(eksMock.commandCalls(DescribeUpdateCommand)[0]?.args[0].input).toEqual({
      name: "c",
      nodegroupName: "ng",
      updateId: "u-1",
    });
  });

  it("retries when another update is in progress and stops on bad requests", async () => {
    eksMock
      .on(UpdateNodegroupConfigCommand)
      .rejects(new ResourceInUseException({ message: "An update is already in progress", $metadata: {} }));
    await expect(
      adapter.updateNodegroupConfig({ cluster: "c", nodegroup: "ng", scalingConfig: { desiredSize: 3 } }),
    ).rejects.toThrow(RetryableError);

    eksMock
      .on(DescribeUpdateCommand)
      .resolves({ update: { id: "u-2", status: "Weird" as never, type: "VersionUpdate" } });
    await expect(adapter.describeUpdate({ cluster: "c", updateId: "u-2" })).rejects.toThrow(TerminalError);
  });
});
