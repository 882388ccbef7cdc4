/**
 * The sandbox: a simulated region and Kubernetes cluster built from a scenario, with Tugboat's
 * production adapters plugged into them and its workflows run by the local interpreter. One object
 * per run; deterministic for a scenario's seed.
 */
import dynalite from "dynalite";
import { type WorkflowSpec, workflows as workflowByName } from "../../workflows";
import { tableDefinition } from "../adapters/aws/state-table";
import { type AwsServiceName, createAwsDeps } from "../adapters/deps";
import { tugboatRbac } from "../adapters/kube/rbac-manifest";
import type { Deps, Log } from "../core/ports";
import { sandboxClientConfig, sandboxPlugin } from "./aws/plugin";
import { SimulatedRegion } from "./aws/region";
import { SANDBOX_ACCOUNT_ID } from "./aws/world";
import { CallMeter, meteredKube, meterPlugin } from "./call-meter";
import { SeededRandom, VirtualClock } from "./clock";
import type { EtcdCluster } from "./etcd/etcd-cluster";
import { startEtcdGateway } from "./etcd/gateway";
import { IamEnforcer } from "./iam/enforcer";
import { iamPlugin } from "./iam/plugin";
import { writeRecording } from "./iam/recording";
import { OPERATOR_ROLE, roleNameForModule, type SandboxAccount, sandboxRoles } from "./iam/roles";
import { InProcessServers } from "./in-process-agent";
import { KubeRequestLog } from "./kube/auth/request-log";
import { SimulatedCluster } from "./kube/cluster";
import { refreshingKube } from "./refreshing-kube";
import {
  type ExecutionStatus,
  type LocalRunOptions,
  type LocalRunResult,
  runLocalWorkflow,
} from "./runner/local-workflow";
import { TaskTokens } from "./runner/task-tokens";
import { VirtualScheduler } from "./runner/virtual-scheduler";
import { SandboxClusters } from "./sandbox-clusters";
import { toObservations } from "./scenario/history";
import type { Scenario } from "./scenario/schema";
import { createActiveTable } from "./tables";
import { TimingModel } from "./timing/model";

export interface LogLine {
  atMs: number;
  level: "info" | "warn" | "error";
  message: string;
  attributes?: Record<string, unknown>;
}

const TABLE_NAME = "tugboat-sandbox";

export type SandboxDeps = Deps & { clients: ReturnType<typeof createAwsDeps>["clients"] };

export interface SandboxOptions {
  onLog?: (line: LogLine) => void;
  /**
   * IAM for Tugboat's calls (src/sandbox/iam): "enforce" (the default) refuses what the stack's policies do
   * not allow, "record" evaluates and records every call but refuses nothing (to list every gap in one run).
   */
  iam?: "enforce" | "record";
}

export class Sandbox {
  readonly executions = new Map<string, ExecutionStatus>();
  /** Task tokens of `.waitForTaskToken` states waiting for SendTaskSuccess/SendTaskFailure. */
  readonly tasks = new TaskTokens();
  private dynamoCalls = 0;
  private runCounter = 0;
  /** Executions running at the same time (parallel children) share the virtual clock through it. */
  private readonly scheduler: VirtualScheduler;
  /** What Tugboat's (RBAC-restricted) identities asked the Kubernetes API, allowed or not. */
  readonly kubeRequests: KubeRequestLog;

  private constructor(
    readonly scenario: Scenario,
    readonly clock: VirtualClock,
    readonly region: SimulatedRegion,
    /** The scenario's cluster (in an account without one, the first cluster created). */
    readonly cluster: SimulatedCluster,
    /** Every cluster of the region, each behind its own API server. */
    readonly clusters: SandboxClusters,
    /**
     * Unrestricted dependencies: the test harness and the simulator's own observers, not Tugboat. Steps run
     * with depsForRole(their role) instead.
     */
    readonly deps: SandboxDeps,
    private readonly closers: (() => Promise<void>)[],
    private readonly awsMeter: CallMeter,
    private readonly kubeMeter: CallMeter,
    kubeRequests: KubeRequestLog,
    /** Every sampled duration of the run, and the records of what was sampled. */
    readonly timing: TimingModel,
    /** Authorizes every call of Tugboat's roles against the stack's policies, and records it. */
    readonly iam: IamEnforcer,
    private readonly makeDeps: (role?: string) => SandboxDeps,
  ) {
    this.scheduler = new VirtualScheduler(clock);
    this.kubeRequests = kubeRequests;
  }

  /** The virtual scheduler executions share: a driver that acts at virtual times (Slack replay) joins it. */
  get virtualScheduler(): VirtualScheduler {
    return this.scheduler;
  }

  /** The simulated cluster (API server, nodes, pods) of the region's cluster of that name. */
  clusterNamed(name: string): SimulatedCluster {
    return this.clusters.clusterNamed(name);
  }

  /** etcd of a self-managed control plane (members, quorum history); undefined for other clusters. */
  get etcd(): EtcdCluster | undefined {
    return this.cluster.etcd;
  }

  /**
   * Starts charging API calls; the returned function gives the modelled seconds of the calls made
   * since, by the call meter's rule (src/sandbox/call-meter.ts): AWS calls' sampled attempts and
   * back-off, each weighted by overlap; Kubernetes requests' sampled round trips, scaled by the
   * overlap of the port calls that issued them. Tugboat's steps and the benchmark's peers pay this.
   */
  startCharge(): () => number {
    const aws0 = this.awsMeter.seconds;
    const kube0 = {
      seconds: this.clusters.apiCallSeconds(),
      raw: this.kubeMeter.raw,
      weighted: this.kubeMeter.weighted,
    };
    return () => {
      const raw = this.kubeMeter.raw - kube0.raw;
      const weighted = this.kubeMeter.weighted - kube0.weighted;
      const http = this.clusters.apiCallSeconds() - kube0.seconds;
      return this.awsMeter.seconds - aws0 + (raw > 0 ? (http * weighted) / raw : http);
    };
  }

  private readonly depsByRole = new Map<string, SandboxDeps>();

  /**
   * The dependencies of one deployed role ("steps-plan-roll", "events-receive", "operator"): the same
   * production clients, with IAM authorizing each call as that role. One set per role, as each deployed
   * function has its own (a step never reuses Kubernetes access another function built).
   */
  depsForRole(role: string): SandboxDeps {
    let deps = this.depsByRole.get(role);
    if (!deps) {
      this.iam.role(role);
      deps = this.makeDeps(role);
      this.depsByRole.set(role, deps);
    }
    return deps;
  }

  /** The dependencies of the function built for a step module. */
  depsForModule(module: string): SandboxDeps {
    return this.depsForRole(roleNameForModule(module));
  }

  /** What `tug status`/`tug abort` reach the store with: the operator policy the stack outputs. */
  operatorDeps(): SandboxDeps {
    return this.depsForRole(OPERATOR_ROLE);
  }

  static async start(scenario: Scenario, options: SandboxOptions = {}): Promise<Sandbox> {
    const clock = new VirtualClock();
    const rng = new SeededRandom(scenario.seed);
    const timing = new TimingModel(scenario.timing, scenario.seed, () => clock.nowMs());
    const cluster = new SimulatedCluster({ scenario, clock, rng, timing });
    const kubeRequests = new KubeRequestLog();
    // Requests to the sandbox's own servers travel through in-memory pipes, not loopback TCP.
    const inProcess = new InProcessServers();
    const clusters = new SandboxClusters(cluster, { scenario, clock, timing, kubeRequests, inProcess });
    const region = new SimulatedRegion({
      scenario,
      clock,
      rng,
      listener: clusters,
      cluster,
      clusters: (name) => clusters.clusterNamed(name),
      timing,
    });
    cluster.seedWorkloads();
    // A connected cluster already holds Tugboat's RBAC, forced drains included (an operator who allows them).
    if (scenario.cluster.access === "connected") {
      for (const object of tugboatRbac({ forceDrain: true })) cluster.state.rbac.put(object);
    }
    await clusters.start(region);

    const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => db.listen(0, "127.0.0.1", () => resolve()));
    const address = db.address() as { port: number };
    const dynamoEndpoint = `http://127.0.0.1:${address.port}`;
    inProcess.add(dynamoEndpoint, db);
    const closers = [
      async () => inProcess.close(),
      () => clusters.close(),
      () => new Promise<void>((resolve) => db.close(() => resolve())),
    ];
    if (cluster.etcd) {
      const gateway = await startEtcdGateway(cluster.etcd);
      region.setEtcdEndpoint(gateway.url);
      closers.push(gateway.close);
    }

    const awsMeter = new CallMeter();
    const kubeMeter = new CallMeter();
    const attemptSeconds = (call: number, attempt: number) => timing.awsCallSeconds(call, attempt);
    const backoffSeconds = (call: number, retry: number, throttled: boolean) =>
      timing.retryBackoffSeconds(call, retry, throttled);
    const log: Log = {
      info: (message, attributes) => record("info", message, attributes),
      warn: (message, attributes) => record("warn", message, attributes),
      error: (message, attributes) => record("error", message, attributes),
    };
    function record(level: LogLine["level"], message: string, attributes?: Record<string, unknown>) {
      const line: LogLine = { atMs: clock.nowMs(), level, message, ...(attributes ? { attributes } : {}) };
      options.onLog?.(line);
    }
    const account: SandboxAccount = {
      account: SANDBOX_ACCOUNT_ID,
      region: scenario.region,
      tableName: TABLE_NAME,
      // The stage manages the scenario's cluster; with an account it may create others, whose names
      // nobody knows yet, so its grants name no cluster.
      clusters: scenario.cluster.name && !scenario.account ? [scenario.cluster.name] : [],
    };
    // TUGBOAT_IAM=record lets a whole test run list every gap at once (bench/iam-mutation.ts --gaps).
    const mode = options.iam ?? (process.env.TUGBOAT_IAM === "record" ? "record" : "enforce");
    const iam = new IamEnforcer(sandboxRoles(account), region.resourceDirectory(), mode === "enforce", account);
    let sandbox: Sandbox | undefined;
    const makeDeps = (role?: string): SandboxDeps => {
      const deps = createAwsDeps({
        region: scenario.region,
        tableName: TABLE_NAME,
        clientConfig: sandboxClientConfig(scenario.region),
        plugins: (service) => [
          meterPlugin(awsMeter, attemptSeconds, backoffSeconds),
          ...(role ? [iamPlugin(iam, role, service as AwsServiceName)] : []),
          sandboxPlugin(region, service),
        ],
        clock: { now: () => clock.now() },
        log,
        dynamoEndpoint,
        agentFor: (url) => inProcess.agentFor(url),
        // ARC zonal shift has no client among the dependencies: its one call is authorized and metered here.
        zonalShiftSend: async () => {
          const { end } = awsMeter.start();
          try {
            if (role) {
              // ARC answers a refusal as EKS does: AccessDeniedException, HTTP 403, REST-JSON.
              const request = { action: "arc-zonal-shift:ListZonalShifts", resource: "*", context: {} };
              await iam.check(iam.role(role), request, "ListZonalShifts", "eks");
            }
            return region.listZonalShifts();
          } finally {
            end();
          }
        },
      });
      const kubeFor = deps.kube;
      // A step's access lives as long as the step; the harness and the benchmark's peers run for virtual
      // hours and refresh their token as kubectl does.
      deps.kube = async (name) =>
        meteredKube(role ? await kubeFor(name) : refreshingKube(() => kubeFor(name)), kubeMeter);
      deps.clients.dynamo.middlewareStack.use(meterPlugin(awsMeter, attemptSeconds, backoffSeconds));
      if (role) deps.clients.dynamo.middlewareStack.use(iamPlugin(iam, role, "dynamodb"));
      deps.clients.dynamo.middlewareStack.add(
        (next) => async (args) => {
          if (sandbox) sandbox.dynamoCalls++;
          return next(args);
        },
        { step: "initialize", name: "tugboatSandboxDynamoCounter" },
      );
      return deps;
    };
    const deps = makeDeps();
    sandbox = new Sandbox(
      scenario,
      clock,
      region,
      cluster,
      clusters,
      deps,
      closers,
      awsMeter,
      kubeMeter,
      kubeRequests,
      timing,
      iam,
      makeDeps,
    );
    await createActiveTable(deps.clients.dynamo, { TableName: TABLE_NAME, ...tableDefinition() });
    region.setExecutionStatusProvider((arn) => sandbox.executions.get(arn));
    await seedHistory(deps, scenario, clock.nowMs());
    return sandbox;
  }

  /** AWS calls (simulated services and the store) and Kubernetes API requests so far. */
  apiCalls(): { aws: number; kubernetes: number } {
    return { aws: this.region.apiCalls().total + this.dynamoCalls, kubernetes: this.clusters.apiCalls() };
  }

  async run(
    spec: WorkflowSpec,
    input: unknown,
    options: Partial<Pick<LocalRunOptions, "executionName" | "crashAfter" | "beforeState" | "onEvent">> = {},
  ): Promise<LocalRunResult> {
    this.runCounter++;
    return runLocalWorkflow({
      spec,
      input,
      executionName: options.executionName ?? `${spec.name}-${this.runCounter}`,
      region: this.scenario.region,
      clock: this.clock,
      deps: this.deps,
      depsForStep: (module) => this.depsForModule(module),
      iam: this.iam,
      executions: this.executions,
      cost: {
        stepSeconds: (invocation) => this.timing.stepSeconds(invocation),
        measure: () => this.startCharge(),
        retryJitter: (retry) => this.timing.sampler.uniform("sfn-retry", retry),
      },
      scheduler: this.scheduler,
      tasks: this.tasks,
      startChild: (request) => this.runChild(request, options.onEvent),
      ...options,
    });
  }

  private runChild(
    request: { workflow: string; input: unknown; executionName: string },
    onEvent: LocalRunOptions["onEvent"],
  ): Promise<LocalRunResult> {
    const spec = workflowByName[request.workflow];
    if (!spec) return Promise.reject(new Error(`no workflow named ${request.workflow}`));
    return this.run(spec, request.input, {
      executionName: request.executionName,
      ...(onEvent ? { onEvent: (event) => onEvent({ ...event, execution: request.executionName }) } : {}),
    });
  }

  async close(): Promise<void> {
    if (this.iam.account) writeRecording(this.iam.recorded, this.iam.account);
    for (const close of this.closers) await close();
  }
}

/** A scenario's prior observations, written through the production store adapter (a warm start). */
async function seedHistory(deps: Deps, scenario: Scenario, nowMs: number): Promise<void> {
  const history = scenario.history;
  if (!history) return;
  const cluster = scenario.cluster.name;
  for (const [nodeGroup, list] of Object.entries(history.nodeGroups)) {
    await deps.state.recordObservations({ cluster, nodeGroup }, toObservations(list, nodeGroup, nowMs));
  }
  if (history.cluster.length > 0) {
    await deps.state.recordObservations({ cluster }, toObservations(history.cluster, "cluster", nowMs));
  }
}
