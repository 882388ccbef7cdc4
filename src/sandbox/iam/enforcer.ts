/**
 * The sandbox's IAM: every AWS call made under one of Tugboat's roles is authorized against that role's
 * identity policy with a maintained evaluator (@cloud-copilot/iam-simulate, AGPL: a dev dependency of the
 * sandbox and tests only, never bundled into a deployed function). A denied call fails as the service
 * answers it (access-denied.ts) and changes nothing. Every authorization is recorded per role, so a bench
 * can replay them against mutated policies (bench/iam-mutation.ts) without running the workflows again.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocumentJson } from "../../../stacks/lib/access-documents";
import { accessDeniedError, type IamServiceId } from "./access-denied";
import { type AuthorizationRequest, authorizationRequests, type ResourceDirectory } from "./requests";
import type { SandboxAccount, SandboxRole } from "./roles";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface RecordedRequest extends AuthorizationRequest {
  role: string;
  /** "dynamodb:PutItem" as the SDK command was named: "PutItemCommand". */
  command: string;
  decision: Decision;
}

/**
 * AWS's public SSM parameters and its own documents have an empty account field
 * (arn:aws:ssm:eu-west-1::parameter/aws/service/…, arn:aws:ssm:eu-west-1::document/AWS-RunShellScript),
 * which the evaluator's resource-type matching cannot represent. The empty field is given the same stand-in
 * in the request and in every policy resource, so matching keeps its meaning (a literal empty account still
 * matches only itself; "*" matches it as it matches the empty string in AWS).
 */
const EMPTY_ACCOUNT = /^(arn:[^:]+:ssm:[^:]*):(:(?:parameter|document)\/)/;
const withAccountStandIn = (arn: string) => arn.replace(EMPTY_ACCOUNT, "$1:aws-public$2");

function normalizePolicy(policy: PolicyDocumentJson): PolicyDocumentJson {
  return {
    ...policy,
    Statement: policy.Statement.map((s) => ({ ...s, Resource: s.Resource.map(withAccountStandIn) })),
  };
}

/** Evaluates one request against one identity policy. */
export async function evaluatePolicy(
  principal: string,
  account: string,
  policy: PolicyDocumentJson,
  request: AuthorizationRequest,
): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal,
        action: request.action,
        resource: { resource: withAccountStandIn(request.resource), accountId: account },
        contextVariables: request.context,
      },
      identityPolicies: [{ name: "identity", policy: normalizePolicy(policy) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === "error") {
    throw new Error(
      `IAM evaluation of ${request.action} on ${request.resource} failed: ${JSON.stringify(result.errors).slice(0, 500)}`,
    );
  }
  return result.overallResult as Decision;
}

export class IamEnforcer {
  /** Every authorization, in order, whatever its decision. */
  readonly recorded: RecordedRequest[] = [];
  private readonly cache = new Map<string, Promise<Decision>>();
  /**
   * One record per distinct authorization (same role, request, command and decision): a long run
   * asks the same things thousands of times, and `recorded` lists them all as that one object.
   */
  private readonly records = new Map<string, RecordedRequest[]>();

  constructor(
    readonly roles: Map<string, SandboxRole>,
    private readonly directory: ResourceDirectory,
    /** Off: calls are recorded and evaluated but never refused (to find every gap of a list in one run). */
    public enforce = true,
    /** The deployment the roles were built for (kept with recordings). */
    readonly account?: SandboxAccount,
  ) {}

  role(name: string): SandboxRole {
    const role = this.roles.get(name);
    if (!role) throw new Error(`no sandbox role ${name}; roles: ${[...this.roles.keys()].join(", ")}`);
    return role;
  }

  /** Authorizes one SDK call made under `roleName`; throws the service's access-denied error when IAM would. */
  async authorize(roleName: string, service: IamServiceId, command: string, input: unknown): Promise<void> {
    const role = this.role(roleName);
    const requests = authorizationRequests(service, command, (input ?? {}) as Record<string, unknown>, this.directory);
    // A call authorized for several actions (a launch template named in UpdateAutoScalingGroup) is refused
    // by the service called, whichever of its actions the policy lacks.
    for (const request of requests) await this.check(role, request, command, service);
  }

  /** Authorizes a request made outside an SDK client (the runner invoking a step, starting a child). */
  async check(
    role: SandboxRole,
    request: AuthorizationRequest,
    command = request.action,
    service: IamServiceId = serviceOf(request.action.split(":")[0] ?? ""),
  ): Promise<void> {
    const key = decisionKey(role, request);
    const decision = await this.decide(key, role, request);
    this.recorded.push(this.recordOf(key, request, role, command, decision));
    if (decision !== "Allowed" && this.enforce) {
      throw accessDeniedError(service, role.principal, request.action, request.resource);
    }
  }

  private recordOf(
    key: string,
    request: AuthorizationRequest,
    role: SandboxRole,
    command: string,
    decision: Decision,
  ): RecordedRequest {
    let same = this.records.get(key);
    if (same === undefined) {
      same = [];
      this.records.set(key, same);
    }
    let record = same.find((r) => r.command === command && r.decision === decision);
    if (record === undefined) {
      record = Object.freeze({ ...request, role: role.name, command, decision });
      same.push(record);
    }
    return record;
  }

  private decide(key: string, role: SandboxRole, request: AuthorizationRequest): Promise<Decision> {
    let decision = this.cache.get(key);
    if (!decision) {
      decision = evaluatePolicy(role.principal, this.directory.account, role.policy, request);
      this.cache.set(key, decision);
    }
    return decision;
  }

  /** Takes an action out of every statement of a role (tests of what a missing permission does). */
  revoke(roleName: string, action: string): void {
    const role = this.role(roleName);
    const statements = role.policy.Statement.flatMap((s) => {
      const actions = s.Action.filter((a) => a !== action);
      return actions.length > 0 ? [{ ...s, Action: actions }] : [];
    });
    this.roles.set(roleName, { ...role, policy: { ...role.policy, Statement: statements } });
    this.cache.clear();
  }

  /** Refusals so far, for reports: role, action, resource. */
  denials(): RecordedRequest[] {
    return this.recorded.filter((r) => r.decision !== "Allowed");
  }
}

/** What IAM's answer depends on: the role, the action, the resource and the request's condition keys. */
function decisionKey(role: SandboxRole, request: AuthorizationRequest): string {
  return `${role.name}\u0000${request.action}\u0000${request.resource}\u0000${JSON.stringify(request.context)}`;
}

/** IAM's service prefix → the service whose error shape a refusal takes. */
const SHAPED_BY_ITSELF = new Set([
  "autoscaling",
  "ec2",
  "eks",
  "elasticloadbalancing",
  "ssm",
  "secretsmanager",
  "dynamodb",
  "sts",
]);

function serviceOf(prefix: string): IamServiceId {
  if (SHAPED_BY_ITSELF.has(prefix)) return prefix as IamServiceId;
  // Step Functions reports what its role may not do (states, lambda, events) as its own
  // AccessDeniedException; anything else checked outside a client is shaped as STS shapes it.
  return prefix === "states" || prefix === "lambda" || prefix === "events" ? "sfn" : "sts";
}
