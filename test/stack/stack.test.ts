/**
 * The deployable app, synthesized offline for a stage that manages two clusters and has SST create EKS
 * access entries in one of them. The stacks are synthesized as `sst deploy` does except that SST's
 * bundling is left out (it changes only each function's code, handler and runtime: the props SST
 * bundles from are checked here; what SST's deploy build makes of them, and that every function
 * bundles, in deployed-bundles.test.ts).
 */
import { readFileSync } from "node:fs";
import { Stack } from "aws-cdk-lib";
import { Function as SstFunction } from "sst/constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARTITION_KEY, SORT_KEY } from "../../src/adapters/aws/state-table";
import { nodejsBundling } from "../../stacks/lib/bundling";
import { stepModules } from "../../stacks/lib/step-functions";
import { placeholdersIn } from "../../stacks/lib/workflow-definition";
import { loadDefinition, type WorkflowSpec, workflows } from "../../workflows/index";
import { AUTOSCALING_MUTATIONS, expectedActionsFor, mutatesAutoScaling } from "./expected-access";
import { type SynthesizedApp, synthesizeTugboat } from "./synthesize";
import {
  arnIn,
  environmentOf,
  policyStatements,
  render,
  resourcesOfType,
  roleOfFunction,
  statementsOfRole,
  stepFunctionResource,
} from "./template-queries";

const specs = Object.values(workflows);
const modules = [...stepModules(specs)];

let synth: SynthesizedApp;

beforeAll(async () => {
  synth = await synthesizeTugboat({
    stage: "test",
    settings: { clusters: "prod-eu,prod-us", eksAccessEntryClusters: "prod-eu" },
    bundle: false,
  });
});

afterAll(() => synth?.dispose());

/** "${import:NAME}" → what the State stack exports under NAME, rendered ("${StateTableXXXX}"). */
function fromStateStack(value: unknown): string {
  const imported = /^\$\{import:(.+)\}$/.exec(render(value))?.[1];
  const outputs = synth.state.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
  const output = Object.values(outputs).find((o) => o.Export?.Name === imported);
  if (!output) throw new Error(`${render(value)} is not an export of the State stack`);
  return render(output.Value);
}

function tableId(): string {
  return resourcesOfType(synth.state, "AWS::DynamoDB::Table")[0]![0];
}

function stateMachineOf(spec: WorkflowSpec) {
  const found = resourcesOfType(synth.workflows, "AWS::StepFunctions::StateMachine").filter(
    ([, r]) => r.Properties?.["StateMachineName"] === `test-tugboat-${spec.name}`,
  );
  expect(found, `state machines named test-tugboat-${spec.name}`).toHaveLength(1);
  return found[0]!;
}

/** The props SST's deploy build is handed for the function behind a template resource. */
function buildPropsOf(template: typeof synth.workflows, logicalId: string) {
  const stacks = synth.app.node.children.filter((child): child is Stack => child instanceof Stack);
  const fns = stacks.flatMap((stack) =>
    stack.node
      .findAll()
      .filter((c): c is SstFunction => c instanceof SstFunction)
      .filter((fn) => Stack.of(fn).resolve(Stack.of(fn).getLogicalId(fn.node.defaultChild as never)) === logicalId),
  );
  expect(fns, logicalId).toHaveLength(1);
  expect(template.toJSON().Resources).toHaveProperty(logicalId);
  return synth.functions[fns[0]!.node.addr]!;
}

describe("state machines", () => {
  it("has exactly one state machine per workflow, STANDARD, traced, logging errors without execution data", () => {
    expect(resourcesOfType(synth.workflows, "AWS::StepFunctions::StateMachine")).toHaveLength(specs.length);
    for (const spec of specs) {
      const [, machine] = stateMachineOf(spec);
      const props = machine.Properties!;
      expect(props["StateMachineType"]).toBe("STANDARD");
      expect(props["TracingConfiguration"]).toEqual({ Enabled: true });
      const logging = props["LoggingConfiguration"] as Record<string, unknown>;
      expect(logging["Level"]).toBe("ERROR");
      expect(logging["IncludeExecutionData"]).toBe(false);
      const [logGroupId] = resourcesOfType(synth.workflows, "AWS::Logs::LogGroup").find(([, r]) =>
        render(r.Properties?.["LogGroupName"]).startsWith(`/aws/vendedlogs/states/test-tugboat-${spec.name}-`),
      )!;
      expect(JSON.stringify(logging["Destinations"])).toContain(logGroupId);
    }
  });

  it("deploys the definition text as written, every placeholder substituted by the ARN of its step's function", () => {
    for (const spec of specs) {
      const [, machine] = stateMachineOf(spec);
      const text = readFileSync(spec.file, "utf8");
      expect(machine.Properties!["DefinitionString"]).toBe(text);
      const substitutions = machine.Properties!["DefinitionSubstitutions"] as Record<string, unknown>;
      expect(Object.keys(substitutions).sort()).toEqual(placeholdersIn(text).sort());
      for (const [placeholder, value] of Object.entries(substitutions)) {
        const child = spec.children?.[placeholder];
        if (child) {
          expect(render(value), placeholder).toMatch(new RegExp(`:states:.*:stateMachine:test-tugboat-${child}$`));
          continue;
        }
        const [fnId] = stepFunctionResource(synth.workflows, spec.functions[placeholder]!.module);
        expect(render(value), placeholder).toBe(`\${${fnId}.Arn}`);
        expect(buildPropsOf(synth.workflows, fnId).handler).toBe(`${spec.functions[placeholder]!.module}.handler`);
      }
    }
  });

  it("lets each state machine's role invoke exactly the functions its definition names, and nothing else", () => {
    const stepFunctionIds = new Set(modules.map(([module]) => stepFunctionResource(synth.workflows, module)[0]));
    for (const spec of specs) {
      const [, machine] = stateMachineOf(spec);
      const roleId = render(machine.Properties!["RoleArn"]).replace(/^\$\{(.*)\.Arn\}$/, "$1");
      const lambdaStatements = statementsOfRole(synth.workflows, roleId).filter((s) =>
        s.actions.some((a) => a.startsWith("lambda:")),
      );
      expect(lambdaStatements.flatMap((s) => s.actions)).toEqual(["lambda:InvokeFunction"]);
      const invoked = lambdaStatements.flatMap((s) => s.resources).sort();
      const expected = [...new Set(Object.values(spec.functions).map((f) => f.module))]
        .map((module) => `\${${stepFunctionResource(synth.workflows, module)[0]}.Arn}`)
        .sort();
      expect(invoked).toEqual(expected);
      for (const resource of invoked) {
        expect(stepFunctionIds.has(resource.replace(/^\$\{(.*)\.Arn\}$/, "$1"))).toBe(true);
      }
    }
  });

  it("lets a workflow with children start, follow and stop exactly those, through the .sync events rule", () => {
    for (const spec of specs) {
      const [, machine] = stateMachineOf(spec);
      const roleId = render(machine.Properties!["RoleArn"]).replace(/^\$\{(.*)\.Arn\}$/, "$1");
      const statements = statementsOfRole(synth.workflows, roleId);
      const start = statements.filter((s) => s.actions.includes("states:StartExecution"));
      const children = Object.values(spec.children ?? {});
      if (children.length === 0) {
        expect(start, spec.name).toEqual([]);
        continue;
      }
      expect(start.flatMap((s) => s.resources).map(String)).toEqual(
        children.map((c) => expect.stringMatching(new RegExp(`stateMachine:test-tugboat-${c}$`))),
      );
      const follow = statements.find((s) => s.actions.includes("states:DescribeExecution"));
      expect(follow?.actions.sort()).toEqual(["states:DescribeExecution", "states:StopExecution"]);
      expect(follow?.resources.map(String)).toEqual(
        children.map((c) => expect.stringMatching(new RegExp(`execution:test-tugboat-${c}:\\*$`))),
      );
      const rule = statements.find((s) => s.actions.includes("events:PutRule"));
      expect(rule?.resources.map(String)).toEqual([
        expect.stringMatching(/rule\/StepFunctionsGetEventsForStepFunctionsExecutionRule$/),
      ]);
    }
  });

  it("gives every Task at least the step function's own timeout, so Step Functions never gives up first", () => {
    for (const spec of specs) {
      const definition = loadDefinition(spec) as { States: Record<string, Record<string, unknown>> };
      for (const [name, state] of Object.entries(definition.States)) {
        if (state["Type"] !== "Task" || state["Resource"] !== "arn:aws:states:::lambda:invoke") continue;
        const placeholder = String((state["Parameters"] as Record<string, unknown>)["FunctionName"]).slice(2, -1);
        const [, fn] = stepFunctionResource(synth.workflows, spec.functions[placeholder]!.module);
        expect(Number(state["TimeoutSeconds"]), name).toBeGreaterThanOrEqual(Number(fn.Properties!["Timeout"]));
      }
    }
  });
});

describe("step functions", () => {
  it("builds one bundled function per step module with Tugboat's runtime settings and environment", () => {
    for (const [module, spec] of modules) {
      const [fnId, fn] = stepFunctionResource(synth.workflows, module);
      // What SST bundles from (deployed-bundles.test.ts: SST deploys these as Handler, Runtime and an
      // S3 asset of the bundle).
      const build = buildPropsOf(synth.workflows, fnId);
      expect(build.handler, module).toBe(`${module}.handler`);
      expect(build.runtime, module).toBe("nodejs22.x");
      expect(build.nodejs, module).toEqual(nodejsBundling(spec));
      const props = fn.Properties!;
      expect(props["Architectures"]).toEqual(["arm64"]);
      expect(props["TracingConfig"]).toEqual({ Mode: "Active" });
      expect(props["Timeout"]).toBe(300);
      expect(props["MemorySize"]).toBe(512);
      const env = environmentOf(fn);
      expect(fromStateStack(env["TUGBOAT_TABLE"])).toBe(`\${${tableId()}}`);
      expect(env["POWERTOOLS_SERVICE_NAME"]).toBe("tugboat");
      expect(props).not.toHaveProperty("VpcConfig");
    }
  });

  it("grants each step exactly the actions of its access list", () => {
    for (const [module, spec] of modules) {
      const [, fn] = stepFunctionResource(synth.workflows, module);
      const statements = statementsOfRole(synth.workflows, roleOfFunction(fn));
      expect(statements.every((s) => s.effect === "Allow")).toBe(true);
      const actions = [...new Set(statements.flatMap((s) => s.actions))].sort();
      expect(actions, module).toEqual(expectedActionsFor(spec.access));
    }
  });

  it("holds Auto Scaling mutations to groups tagged for the managed clusters, by Tugboat's tag or EKS's", () => {
    const writers = modules.filter(([, spec]) => mutatesAutoScaling(spec.access));
    expect(writers.length).toBeGreaterThan(0);
    for (const [module, spec] of writers) {
      const [, fn] = stepFunctionResource(synth.workflows, module);
      const mutations = statementsOfRole(synth.workflows, roleOfFunction(fn)).filter((s) =>
        s.actions.some((a) => AUTOSCALING_MUTATIONS.includes(a)),
      );
      expect(mutations.map((s) => s.condition)).toEqual([
        { StringEquals: { "autoscaling:ResourceTag/tugboat:cluster": ["prod-eu", "prod-us"] } },
        { StringEquals: { "autoscaling:ResourceTag/eks:cluster-name": ["prod-eu", "prod-us"] } },
      ]);
      for (const statement of mutations) {
        // Exactly the mutations the step lists, in both statements.
        expect(statement.actions.sort()).toEqual(
          AUTOSCALING_MUTATIONS.filter((a) => spec.access.includes(a as never)).sort(),
        );
        expect(statement.resources).toEqual([
          arnIn("autoscaling:us-east-1:my-account:autoScalingGroup:*:autoScalingGroupName/*"),
        ]);
      }
    }
  });

  it("carries the tag condition on every Auto Scaling mutation anywhere in the app", () => {
    const all = [...policyStatements(synth.state), ...policyStatements(synth.workflows)];
    const mutations = all.filter((s) => s.actions.some((a) => a.startsWith("autoscaling:") && !/:Describe/.test(a)));
    expect(mutations.length).toBeGreaterThan(0);
    for (const statement of mutations) {
      const keys = Object.keys(statement.condition?.["StringEquals"] ?? {});
      expect(keys.length, `${statement.owner} ${statement.sid}`).toBe(1);
      // A group being created has no tags yet: its request must carry Tugboat's.
      expect([
        "autoscaling:ResourceTag/tugboat:cluster",
        "autoscaling:ResourceTag/eks:cluster-name",
        "aws:RequestTag/tugboat:cluster",
      ]).toContain(keys[0]);
    }
  });

  it("scopes EKS, kubeconfig, table and execution access to the managed clusters and Tugboat's own resources", () => {
    const [, plan] = stepFunctionResource(synth.workflows, "functions/steps/plan-roll");
    const bySid = new Map(statementsOfRole(synth.workflows, roleOfFunction(plan)).map((s) => [s.sid, s]));
    expect(bySid.get("EksNodegroups")!.resources).toEqual([
      arnIn("eks:us-east-1:my-account:nodegroup/prod-eu/*/*"),
      arnIn("eks:us-east-1:my-account:nodegroup/prod-us/*/*"),
    ]);
    expect(bySid.get("KubeEndpoint")!.resources).toEqual([
      arnIn("eks:us-east-1:my-account:cluster/prod-eu"),
      arnIn("eks:us-east-1:my-account:cluster/prod-us"),
    ]);
    expect(bySid.get("KubeconfigParameter")!.resources).toEqual([
      arnIn("ssm:us-east-1:my-account:parameter/tugboat/prod-eu/kubeconfig"),
      arnIn("ssm:us-east-1:my-account:parameter/tugboat/prod-us/kubeconfig"),
    ]);
    expect(bySid.get("KubeconfigSecret")!.resources).toEqual([
      arnIn("secretsmanager:us-east-1:my-account:secret:tugboat/prod-eu/kubeconfig-??????"),
      arnIn("secretsmanager:us-east-1:my-account:secret:tugboat/prod-us/kubeconfig-??????"),
    ]);
    // The table only: the store queries no index.
    const [tableArn, ...more] = bySid.get("StateTable")!.resources;
    expect(fromStateStack(tableArn)).toBe(`\${${tableId()}.Arn}`);
    expect(more).toEqual([]);

    const [, lock] = stepFunctionResource(synth.workflows, "functions/steps/acquire-lock");
    const describeExecutions = statementsOfRole(synth.workflows, roleOfFunction(lock)).find(
      (s) => s.sid === "DescribeTugboatExecutions",
    );
    expect(describeExecutions!.resources).toEqual(
      specs.map((spec) => arnIn(`states:us-east-1:my-account:execution:test-tugboat-${spec.name}:*`)),
    );
  });
});

describe("the whole app", () => {
  it("has no IAM statement with a wildcard action, in Tugboat's resources or in those SST and CDK add", () => {
    const all = [...policyStatements(synth.state), ...policyStatements(synth.workflows)];
    expect(all.length).toBeGreaterThan(modules.length);
    const wildcards = all.filter((s) => s.actions.some((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a)));
    expect(wildcards).toEqual([]);
    expect(all.filter((s) => s.actions.some((a) => a.includes("*")))).toEqual([]);
  });

  it("keeps every log group for a bounded time: step functions one month, state machines one month", () => {
    const logGroups = resourcesOfType(synth.workflows, "AWS::Logs::LogGroup");
    expect(logGroups).toHaveLength(specs.length);
    for (const [, group] of logGroups) expect(group.Properties!["RetentionInDays"]).toBe(30);

    const retentions = resourcesOfType(synth.workflows, "Custom::LogRetention");
    for (const [module] of modules) {
      const [fnId] = stepFunctionResource(synth.workflows, module);
      const retention = retentions.find(([, r]) => render(r.Properties!["LogGroupName"]) === `/aws/lambda/\${${fnId}}`);
      expect(retention, module).toBeDefined();
      expect(retention![1].Properties!["RetentionInDays"]).toBe(30);
    }
  });

  it("creates the state table with the adapter's keys, on demand, recoverable, kept when the stack goes", () => {
    const tables = resourcesOfType(synth.state, "AWS::DynamoDB::Table");
    expect(tables).toHaveLength(1);
    const [, table] = tables[0]!;
    expect(table.Properties!["KeySchema"]).toEqual([
      { AttributeName: PARTITION_KEY, KeyType: "HASH" },
      { AttributeName: SORT_KEY, KeyType: "RANGE" },
    ]);
    expect([PARTITION_KEY, SORT_KEY]).toEqual(["pk", "sk"]);
    expect(table.Properties!["BillingMode"]).toBe("PAY_PER_REQUEST");
    expect(table.Properties!["PointInTimeRecoverySpecification"]).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties!["DeletionProtectionEnabled"]).toBe(true);
    expect(table.DeletionPolicy).toBe("Retain");
    expect(table.UpdateReplacePolicy).toBe("Retain");
  });

  it("creates EKS access entries for the steps that reach Kubernetes, in the clusters the setting names only", () => {
    const entries = resourcesOfType(synth.workflows, "AWS::EKS::AccessEntry").map(([, r]) => r.Properties!);
    const kubeModules = modules.filter(([, spec]) => spec.access.includes("kube")).map(([module]) => module);
    expect(entries).toHaveLength(kubeModules.length);
    for (const entry of entries) {
      expect(entry["ClusterName"]).toBe("prod-eu");
      expect(entry["Type"]).toBe("STANDARD");
      expect(entry["KubernetesGroups"]).toEqual(["tugboat-steps"]);
    }
    const principals = entries.map((e) => render(e["PrincipalArn"])).sort();
    const expected = kubeModules
      .map((module) => `\${${roleOfFunction(stepFunctionResource(synth.workflows, module)[1])}.Arn}`)
      .sort();
    expect(principals).toEqual(expected);
  });

  it("outputs the state machine ARNs, the table name and the roles that need Kubernetes access", () => {
    const outputs = synth.workflows.toJSON().Outputs as Record<string, { Value: unknown }>;
    for (const spec of specs) {
      const [machineId] = stateMachineOf(spec);
      const key = Object.keys(outputs).find((k) => render(outputs[k]!.Value) === `\${${machineId}}`);
      expect(key, spec.name).toMatch(/StateMachineArn$/);
    }
    expect(fromStateStack(outputs["TableName"]!.Value)).toBe(`\${${tableId()}}`);
    expect(render(outputs["KubeRoleArns"]!.Value).split(",")).toHaveLength(
      modules.filter(([, spec]) => spec.access.includes("kube")).length,
    );
    const stateOutputs = synth.state.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(render(stateOutputs["TableName"]!.Value)).toBe(`\${${tableId()}}`);
  });
});
