/**
 * Reading synthesized CloudFormation for assertions: resources by type, IAM statements with their
 * owner, ARNs rendered to readable strings ("arn:${AWS::Partition}:eks:…") so tests compare text.
 */
import type { Template } from "aws-cdk-lib/assertions";
import { constructIdForModule } from "../../stacks/lib/step-functions";

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface Statement {
  /** Logical id of the AWS::IAM::Policy / Role / ManagedPolicy holding it. */
  owner: string;
  /** Logical ids of the roles the statement applies to. */
  roles: string[];
  sid?: string;
  effect: string;
  actions: string[];
  resources: string[];
  condition?: Record<string, Record<string, unknown>>;
}

export function resourcesOfType(template: Template, type: string): [string, CfnResource][] {
  const all = template.toJSON().Resources as Record<string, CfnResource>;
  return Object.entries(all).filter(([, r]) => r.Type === type);
}

/** CloudFormation intrinsic values as text: Ref → ${X}, GetAtt → ${X.Attr}, ImportValue → ${import:X}. */
export function render(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    if ("Ref" in v) return `\${${String(v["Ref"])}}`;
    if ("Fn::GetAtt" in v) return `\${${(v["Fn::GetAtt"] as string[]).join(".")}}`;
    if ("Fn::ImportValue" in v) return `\${import:${render(v["Fn::ImportValue"])}}`;
    if ("Fn::Join" in v) {
      const [separator, parts] = v["Fn::Join"] as [string, unknown[]];
      return parts.map(render).join(separator);
    }
  }
  return JSON.stringify(value);
}

/** An ARN as `render` shows it: the partition stays a reference, the rest is literal. */
export function arnIn(rest: string): string {
  return `arn:\${AWS::Partition}:${rest}`;
}

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function statementsOf(owner: string, roles: string[], document: unknown): Statement[] {
  const statements = asList((document as { Statement?: unknown })?.Statement) as Record<string, unknown>[];
  return statements.map((s) => ({
    owner,
    roles,
    ...(typeof s["Sid"] === "string" ? { sid: s["Sid"] } : {}),
    effect: String(s["Effect"]),
    actions: asList(s["Action"]).map(render),
    resources: asList(s["Resource"]).map(render),
    ...(s["Condition"] ? { condition: s["Condition"] as Record<string, Record<string, unknown>> } : {}),
  }));
}

/** Every identity-policy statement in the template: policies, managed policies and roles' inline policies. */
export function policyStatements(template: Template): Statement[] {
  const roleIds = (value: unknown) => asList(value).map((r) => render(r).replace(/^\$\{(.*)\}$/, "$1"));
  const fromPolicies = [
    ...resourcesOfType(template, "AWS::IAM::Policy"),
    ...resourcesOfType(template, "AWS::IAM::ManagedPolicy"),
  ].flatMap(([id, r]) => statementsOf(id, roleIds(r.Properties?.["Roles"]), r.Properties?.["PolicyDocument"]));
  const fromRoles = resourcesOfType(template, "AWS::IAM::Role").flatMap(([id, r]) =>
    (asList(r.Properties?.["Policies"]) as { PolicyDocument?: unknown }[]).flatMap((p) =>
      statementsOf(id, [id], p.PolicyDocument),
    ),
  );
  return [...fromPolicies, ...fromRoles];
}

export function statementsOfRole(template: Template, roleId: string): Statement[] {
  return policyStatements(template).filter((s) => s.roles.includes(roleId));
}

/** The Lambda function built for a step module: its logical id is the construct id plus CDK's hash. */
export function stepFunctionResource(template: Template, module: string): [string, CfnResource] {
  const prefix = constructIdForModule(module);
  const found = resourcesOfType(template, "AWS::Lambda::Function").filter(([id]) =>
    new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id),
  );
  if (found.length !== 1) throw new Error(`expected one function for ${module}, found ${found.length}`);
  return found[0]!;
}

export function roleOfFunction(fn: CfnResource): string {
  const role = fn.Properties?.["Role"] as { "Fn::GetAtt"?: string[] } | undefined;
  const id = role?.["Fn::GetAtt"]?.[0];
  if (!id) throw new Error(`function has no role reference: ${JSON.stringify(fn.Properties?.["Role"])}`);
  return id;
}

export function environmentOf(fn: CfnResource): Record<string, unknown> {
  return ((fn.Properties?.["Environment"] as { Variables?: Record<string, unknown> })?.Variables ?? {}) as Record<
    string,
    unknown
  >;
}
