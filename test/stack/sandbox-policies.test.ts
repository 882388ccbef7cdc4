/**
 * The policies the sandbox enforces are the policies the stack deploys. The app is synthesized (without
 * bundling: IAM does not depend on code) for a stage that manages one cluster; every identity statement
 * of every Tugboat role in the template (each step function, the receive function, each state machine,
 * the operator policy) is translated to the sandbox's account, region, table and names, and must equal,
 * statement for statement, what src/sandbox/iam/roles.ts gives the same role.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_ACCOUNT_ID } from "../../src/sandbox/aws/world";
import {
  OPERATOR_ROLE,
  roleNameForModule,
  type SandboxAccount,
  sandboxFunctionArn,
  sandboxRoles,
  sandboxTableArn,
  stateMachineRoleName,
} from "../../src/sandbox/iam/roles";
import { stepModules } from "../../stacks/lib/step-functions";
import { workflows } from "../../workflows/index";
import { type SynthesizedApp, synthesizeTugboat } from "./synthesize";
import {
  policyStatements,
  render,
  resourcesOfType,
  roleOfFunction,
  type Statement,
  statementsOfRole,
  stepFunctionResource,
} from "./template-queries";

const CLUSTER = "demo";
const account: SandboxAccount = {
  account: SANDBOX_ACCOUNT_ID,
  region: "us-east-1",
  tableName: "t",
  clusters: [CLUSTER],
};
const roles = sandboxRoles(account);
const modules = [...stepModules(Object.values(workflows))].map(([module]) => module);

let synth: SynthesizedApp;

beforeAll(async () => {
  synth = await synthesizeTugboat({ stage: "test", settings: { clusters: CLUSTER }, bundle: false });
}, 300_000);

afterAll(() => synth?.dispose());

interface Comparable {
  Sid?: string;
  Action: string[];
  Resource: string[];
  Condition?: unknown;
}

/** Template text → the sandbox's: partition, account, table, Tugboat's names and function ARNs. */
function translator(): (text: string) => string {
  const tableArn = policyStatements(synth.workflows).find((s) => s.sid === "StateTable")?.resources[0];
  if (!tableArn) throw new Error("no StateTable statement in the Workflows stack");
  const functionArns = new Map(
    modules.map((module) => [`\${${stepFunctionResource(synth.workflows, module)[0]}.Arn}`, module]),
  );
  return (text) => {
    const fn = functionArns.get(text);
    if (fn) return sandboxFunctionArn(account, fn);
    if (text === tableArn) return sandboxTableArn(account);
    return (
      text
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the rendered CloudFormation reference, as text.
        .replaceAll("${AWS::Partition}", "aws")
        .replaceAll("my-account", SANDBOX_ACCOUNT_ID)
        .replaceAll("test-tugboat-", "tugboat-")
    );
  };
}

function comparable(statements: Statement[], translate: (text: string) => string): Comparable[] {
  return (
    statements
      // CDK's own statements (X-Ray tracing, the SQS event source's) carry no Sid: the Lambda service makes
      // those calls, not the function's code, so the sandbox has nothing to enforce them on.
      .filter((s) => s.sid !== undefined)
      .map((s) => ({
        ...(s.sid ? { Sid: s.sid } : {}),
        Action: [...s.actions].sort(),
        Resource: s.resources.map(translate).sort(),
        ...(s.condition ? { Condition: s.condition } : {}),
      }))
      .sort((a, b) => (a.Sid ?? "").localeCompare(b.Sid ?? ""))
  );
}

function enforced(role: string): Comparable[] {
  const found = roles.get(role);
  if (!found) throw new Error(`the sandbox has no role ${role}`);
  return found.policy.Statement.map((s) => ({
    Sid: s.Sid,
    Action: [...s.Action].sort(),
    Resource: [...s.Resource].sort(),
    ...(s.Condition ? { Condition: s.Condition } : {}),
  })).sort((a, b) => (a.Sid ?? "").localeCompare(b.Sid ?? ""));
}

describe("the sandbox enforces the deployed policies", () => {
  it("gives each step function's role exactly the statements the stack grants it", () => {
    const translate = translator();
    for (const module of modules) {
      const [, fn] = stepFunctionResource(synth.workflows, module);
      const deployed = comparable(statementsOfRole(synth.workflows, roleOfFunction(fn)), translate);
      expect(enforced(roleNameForModule(module)), module).toEqual(deployed);
    }
  });

  it("gives the receive function's role exactly its deployed statements, StartReactions included", () => {
    const translate = translator();
    const [, receive] = resourcesOfType(synth.events, "AWS::Lambda::Function").find(([id]) =>
      id.startsWith("EventsReceive"),
    )!;
    const deployed = statementsOfRole(synth.events, roleOfFunction(receive));
    const start = deployed.find((s) => s.sid === "StartReactions")!;
    // The reaction state machine is an import from the Workflows stack; its sandbox ARN is known by name.
    expect(render(start.resources[0])).toMatch(/^\$\{import:/);
    const withArn = deployed.map((s) =>
      s === start
        ? {
            ...s,
            resources: [`arn:aws:states:us-east-1:${SANDBOX_ACCOUNT_ID}:stateMachine:tugboat-react-to-instance-event`],
          }
        : s,
    );
    expect(enforced("events-receive")).toEqual(comparable(withArn, translate));
  });

  it("gives each state machine's role exactly its deployed statements (invoke steps, start children)", () => {
    const translate = translator();
    for (const spec of Object.values(workflows)) {
      const [, machine] = resourcesOfType(synth.workflows, "AWS::StepFunctions::StateMachine").find(
        ([, r]) => r.Properties?.["StateMachineName"] === `test-tugboat-${spec.name}`,
      )!;
      const roleId = render(machine.Properties!["RoleArn"]).replace(/^\$\{(.*)\.Arn\}$/, "$1");
      const deployed = statementsOfRole(synth.workflows, roleId);
      expect(enforced(stateMachineRoleName(spec.name)), spec.name).toEqual(comparable(deployed, translate));
    }
  });

  it("enforces on the CLI the operator policy the stack outputs", () => {
    const outputs = synth.workflows.toJSON().Outputs as Record<string, { Value: unknown }>;
    const value = outputs["OperatorPolicy"]?.Value;
    expect(value, "an OperatorPolicy output").toBeDefined();
    const document = JSON.parse(render(value)) as { Statement: Record<string, unknown>[] };
    const translate = translator();
    const deployed = document.Statement.map((s) => ({
      owner: "output",
      roles: [],
      sid: s["Sid"] as string,
      effect: String(s["Effect"]),
      actions: s["Action"] as string[],
      resources: s["Resource"] as string[],
    }));
    expect(enforced(OPERATOR_ROLE)).toEqual(comparable(deployed, translate));
  });
});
