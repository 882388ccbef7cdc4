/**
 * A development stage with no cluster list, whose steps run in a VPC. Synthesized without bundling
 * (stacks inactive): everything asserted here is IAM, networking and removal policy, none of it code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TTL_ATTRIBUTE } from "../../src/adapters/aws/state-table";
import { stepModules } from "../../stacks/lib/step-functions";
import { workflows } from "../../workflows/index";
import { AUTOSCALING_MUTATIONS, mutatesAutoScaling } from "./expected-access";
import { type SynthesizedApp, synthesizeTugboat } from "./synthesize";
import {
  arnIn,
  type CfnResource,
  policyStatements,
  render,
  resourcesOfType,
  roleOfFunction,
  statementsOfRole,
  stepFunctionResource,
} from "./template-queries";

const modules = [...stepModules(Object.values(workflows))];
const SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"];

let synth: SynthesizedApp;

beforeAll(async () => {
  synth = await synthesizeTugboat({
    stage: "dev",
    settings: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: SUBNETS.join(",") },
    bundle: false,
  });
}, 300_000);

afterAll(() => synth?.dispose());

const roleOf = (fn: CfnResource) => roleOfFunction(fn);

describe("without a cluster list", () => {
  it("still requires the cluster tag on the group before any Auto Scaling mutation", () => {
    const mutations = policyStatements(synth.workflows).filter((s) =>
      s.actions.some((a) => AUTOSCALING_MUTATIONS.includes(a)),
    );
    const writers = modules.filter(([, spec]) => mutatesAutoScaling(spec.access));
    expect(mutations).toHaveLength(writers.length * 2);
    for (const statement of mutations) {
      expect([
        { Null: { "autoscaling:ResourceTag/tugboat:cluster": "false" } },
        { Null: { "autoscaling:ResourceTag/eks:cluster-name": "false" } },
      ]).toContainEqual(statement.condition);
    }
  });

  it("allows EKS and kubeconfig access for any cluster of the account and region, under Tugboat's names", () => {
    const [, plan] = stepFunctionResource(synth.workflows, "functions/steps/plan-roll");
    const bySid = new Map(statementsOfRole(synth.workflows, roleOf(plan)).map((s) => [s.sid, s]));
    expect(bySid.get("KubeEndpoint")!.resources).toEqual([arnIn("eks:us-east-1:my-account:cluster/*")]);
    expect(bySid.get("EksNodegroups")!.resources).toEqual([arnIn("eks:us-east-1:my-account:nodegroup/*/*/*")]);
    expect(bySid.get("KubeconfigParameter")!.resources).toEqual([
      arnIn("ssm:us-east-1:my-account:parameter/tugboat/*/kubeconfig"),
    ]);
    expect(bySid.get("KubeconfigSecret")!.resources).toEqual([
      arnIn("secretsmanager:us-east-1:my-account:secret:tugboat/*/kubeconfig-??????"),
    ]);
  });

  it("creates no EKS access entries unless asked to", () => {
    expect(resourcesOfType(synth.workflows, "AWS::EKS::AccessEntry")).toEqual([]);
  });
});

describe("in a VPC", () => {
  it("puts every step function in the private subnets, behind the stack's own security group", () => {
    const groups = resourcesOfType(synth.workflows, "AWS::EC2::SecurityGroup");
    expect(groups).toHaveLength(1);
    expect(resourcesOfType(synth.events, "AWS::EC2::SecurityGroup")).toEqual([]);
    const [groupId, group] = groups[0]!;
    expect(group.Properties!["VpcId"]).toBe("vpc-0123456789abcdef0");
    for (const [module] of modules) {
      const [, fn] = stepFunctionResource(synth.workflows, module);
      const vpcConfig = fn.Properties!["VpcConfig"] as Record<string, unknown[]>;
      expect(vpcConfig["SubnetIds"], module).toEqual(SUBNETS);
      expect(vpcConfig["SecurityGroupIds"]!.map(render)).toEqual([`\${${groupId}.GroupId}`]);
      const [, role] = resourcesOfType(synth.workflows, "AWS::IAM::Role").find(([id]) => id === roleOf(fn))!;
      const managed = (role.Properties!["ManagedPolicyArns"] as unknown[]).map(render);
      expect(managed).toContain(arnIn("iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"));
    }
  });

  it("puts the receive function behind the same security group, and outputs that group's id", () => {
    const outputs = synth.workflows.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
    const [groupId] = resourcesOfType(synth.workflows, "AWS::EC2::SecurityGroup")[0]!;
    expect(render(outputs["StepSecurityGroupId"]!.Value)).toBe(`\${${groupId}.GroupId}`);

    const [, receive] = resourcesOfType(synth.events, "AWS::Lambda::Function").find(([id]) =>
      /^EventsReceive[0-9A-F]{8}$/.test(id),
    )!;
    const vpcConfig = receive.Properties!["VpcConfig"] as Record<string, unknown[]>;
    expect(vpcConfig["SubnetIds"]).toEqual(SUBNETS);
    // The Workflows stack's group, through its export.
    const [imported] = vpcConfig["SecurityGroupIds"]!.map(render);
    const exportName = /^\$\{import:(.+)\}$/.exec(imported!)?.[1];
    const exported = Object.values(outputs).find((o) => o.Export?.Name === exportName);
    expect(exported && render(exported.Value)).toBe(`\${${groupId}.GroupId}`);
  });
});

describe("a development stage", () => {
  it("lets the table and the state machine logs go with the stack", () => {
    const [, table] = resourcesOfType(synth.state, "AWS::DynamoDB::Table")[0]!;
    expect(table.DeletionPolicy).toBe("Delete");
    expect(table.Properties!["DeletionProtectionEnabled"]).toBe(false);
    for (const [, group] of resourcesOfType(synth.workflows, "AWS::Logs::LogGroup")) {
      expect(group.DeletionPolicy).toBe("Delete");
    }
  });

  it("names each state machine log group after the state machine and the stack's own id, never a fixed name", () => {
    const groups = resourcesOfType(synth.workflows, "AWS::Logs::LogGroup");
    expect(groups).toHaveLength(Object.keys(workflows).length);
    for (const [, group] of groups) {
      const name = group.Properties!["LogGroupName"] as { "Fn::Join": [string, unknown[]] };
      // A fixed string would collide with the group a removed stage left behind.
      expect(typeof name).toBe("object");
      const [prefix, suffix] = name["Fn::Join"][1];
      expect(prefix).toMatch(/^\/aws\/vendedlogs\/states\/dev-tugboat-[a-z-]+-$/);
      // The first block of the UUID in arn:…:stack/<name>/<uuid>: new when the stack is created again.
      expect(suffix).toEqual({
        "Fn::Select": [
          0,
          { "Fn::Split": ["-", { "Fn::Select": [2, { "Fn::Split": ["/", { Ref: "AWS::StackId" }] }] }] },
        ],
      });
    }
  });

  it("expires event receipts through the table's TTL attribute, the one the event ledger writes", () => {
    const [, table] = resourcesOfType(synth.state, "AWS::DynamoDB::Table")[0]!;
    expect(table.Properties!["TimeToLiveSpecification"]).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });

  it("lists the receive function's role with the Kubernetes roles, and creates no entry unless asked to", () => {
    const outputs = synth.events.toJSON().Outputs as Record<string, { Value: unknown }>;
    const [, receive] = resourcesOfType(synth.events, "AWS::Lambda::Function").find(([id]) =>
      /^EventsReceive[0-9A-F]{8}$/.test(id),
    )!;
    expect(render(outputs["KubeRoleArns"]!.Value)).toBe(`\${${roleOf(receive)}.Arn}`);
    expect(resourcesOfType(synth.events, "AWS::EKS::AccessEntry")).toEqual([]);
  });

  it("names its state machines after the stage, and lets the steps describe only their executions", () => {
    const names = resourcesOfType(synth.workflows, "AWS::StepFunctions::StateMachine").map(
      ([, r]) => r.Properties!["StateMachineName"],
    );
    expect(names.sort()).toEqual(
      Object.keys(workflows)
        .map((name) => `dev-tugboat-${name}`)
        .sort(),
    );
    const describes = policyStatements(synth.workflows).filter((s) => s.actions.includes("states:DescribeExecution"));
    expect(describes.length).toBeGreaterThan(0);
    for (const statement of describes) {
      for (const resource of statement.resources) {
        expect(resource).toMatch(
          /^arn:\$\{AWS::Partition\}:states:us-east-1:my-account:execution:dev-tugboat-[a-z-]+:\*$/,
        );
      }
    }
  });
});
