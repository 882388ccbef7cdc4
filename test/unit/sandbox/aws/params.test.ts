import { DescribeImagesCommand } from "@aws-sdk/client-ec2";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { harness, rejection, simpleScenario } from "./fakes";

describe("kubeconfig in SSM and Secrets Manager", () => {
  it("renders a kubeconfig that points at the endpoint the runner set, with the sandbox token", async () => {
    const h = harness(simpleScenario({}));
    h.region.setKubeEndpoint("http://127.0.0.1:40001");
    const { Parameter } = await h.ssm.send(
      new GetParameterCommand({ Name: "/tugboat/demo/kubeconfig", WithDecryption: true }),
    );
    expect(Parameter?.Type).toBe("SecureString");
    expect(Parameter?.Value).toContain("server: http://127.0.0.1:40001");
    expect(Parameter?.Value).toContain(`token: ${h.region.kubeToken()}`);
    expect(Parameter?.Value).toContain("insecure-skip-tls-verify: true");

    // Without decryption, SSM hands back ciphertext, not the kubeconfig.
    const sealed = await h.ssm.send(new GetParameterCommand({ Name: "/tugboat/demo/kubeconfig" }));
    expect(sealed.Parameter?.Value).not.toContain("server:");

    const secret = await h.secrets.send(new GetSecretValueCommand({ SecretId: "tugboat/demo/kubeconfig" }));
    expect(secret.SecretString).toBe(Parameter?.Value);
    expect(secret.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:tugboat\/demo\/kubeconfig-[0-9a-f]{6}$/,
    );
    const bySecretArn = await h.secrets.send(new GetSecretValueCommand({ SecretId: secret.ARN }));
    expect(bySecretArn.Name).toBe("tugboat/demo/kubeconfig");
  });

  it("answers missing names as the services do", async () => {
    const h = harness(simpleScenario({}));
    const param = await rejection(h.ssm.send(new GetParameterCommand({ Name: "/tugboat/other/kubeconfig" })));
    expect(param.name).toBe("ParameterNotFound");
    const secret = await rejection(h.secrets.send(new GetSecretValueCommand({ SecretId: "nope" })));
    expect(secret.name).toBe("ResourceNotFoundException");
    expect(secret.message).toBe("Secrets Manager can't find the specified secret.");
  });

  it("publishes the EKS-optimized AMI parameters, for any minor", async () => {
    const h = harness(simpleScenario({}));
    const { Parameter } = await h.ssm.send(
      new GetParameterCommand({
        Name: "/aws/service/eks/optimized-ami/1.30/amazon-linux-2023/x86_64/standard/recommended/image_id",
      }),
    );
    const running = h.region.snapshot().instances[0]?.imageId;
    expect(Parameter?.Value).toBe(running);
    const next = await h.ssm.send(
      new GetParameterCommand({
        Name: "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/release_version",
      }),
    );
    expect(next.Parameter?.Value).toBe("1.31.8-20251210");
  });

  it("publishes arm64, NVIDIA, Amazon Linux 2 and Bottlerocket images under their own names, and nothing AWS does not", async () => {
    const h = harness(simpleScenario({}));
    const value = async (name: string) => (await h.ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
    const describe = async (imageId: string) =>
      (await h.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0];

    const arm = await value(
      "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/arm64/standard/recommended/image_id",
    );
    const x86 = await value(
      "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id",
    );
    expect(arm).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(arm).not.toBe(x86);
    expect(await describe(arm!)).toMatchObject({
      Architecture: "arm64",
      Name: "amazon-eks-node-al2023-arm64-standard-1.31-v20251210",
    });

    const rocket = await value("/aws/service/bottlerocket/aws-k8s-1.31-nvidia/arm64/latest/image_id");
    expect(await describe(rocket!)).toMatchObject({ Architecture: "arm64" });
    expect((await describe(rocket!))?.Name).toMatch(
      /^bottlerocket-aws-k8s-1\.31-nvidia-aarch64-v1\.\d+\.0-[0-9a-f]{8}$/,
    );
    expect(await value("/aws/service/bottlerocket/aws-k8s-1.31-nvidia/arm64/latest/image_version")).toMatch(
      /^1\.\d+\.0-[0-9a-f]{8}$/,
    );
    const gpu = await value("/aws/service/eks/optimized-ami/1.29/amazon-linux-2-gpu/recommended/image_id");
    expect((await describe(gpu!))?.Name).toBe("amazon-eks-gpu-node-1.29-v20251210");

    // Not published by AWS: Neuron on arm64, a Bottlerocket "standard" directory.
    for (const name of [
      "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/arm64/neuron/recommended/image_id",
      "/aws/service/bottlerocket/aws-k8s-1.31-standard/x86_64/latest/image_id",
    ]) {
      expect((await rejection(h.ssm.send(new GetParameterCommand({ Name: name })))).name).toBe("ParameterNotFound");
    }
  });
});

describe("Step Functions and STS", () => {
  it("answers DescribeExecution from the runner's provider", async () => {
    const h = harness(simpleScenario({}));
    const arn = "arn:aws:states:us-east-1:123456789012:execution:tugboat-roll:run-1";
    h.region.setExecutionStatusProvider((a) => (a === arn ? "RUNNING" : undefined));
    const out = await h.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(out).toMatchObject({
      status: "RUNNING",
      name: "run-1",
      stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:tugboat-roll",
    });
    const err = await rejection(
      h.sfn.send(
        new DescribeExecutionCommand({
          executionArn: "arn:aws:states:us-east-1:123456789012:execution:tugboat-roll:gone",
        }),
      ),
    );
    expect(err.name).toBe("ExecutionDoesNotExist");
    expect(err.message).toBe(
      "Execution Does Not Exist: 'arn:aws:states:us-east-1:123456789012:execution:tugboat-roll:gone'",
    );
  });

  it("names the sandbox account in GetCallerIdentity and refuses commands it does not simulate", async () => {
    const h = harness(simpleScenario({}));
    const identity = await h.region.handle("sts", "GetCallerIdentityCommand", {});
    expect(identity.Account).toBe("123456789012");
    const err = await rejection(h.region.handle("ec2", "RunInstancesCommand", {}));
    expect(err.name).toBe("UnsupportedOperation");
    expect(err.message).toContain("ec2:RunInstances");
    expect(h.region.apiCalls().byCommand).toMatchObject({ "sts:GetCallerIdentity": 1, "ec2:RunInstances": 1 });
  });
});
