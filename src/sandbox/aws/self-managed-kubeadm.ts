/**
 * What kubeadm on a new instance finds, checked when the instance launches, before the sandbox lets
 * its kubelet join. The user data must be a script that reads its join material from SSM (with
 * decryption) and runs `kubeadm init` or `kubeadm join` on a kubeadm configuration naming the API
 * server's endpoint. Then, as on a real machine:
 *  - the endpoint must resolve to a load balancer with a listener on its port; a control-plane node
 *    behind an instance-target group with client IP preservation on reaches itself through the NLB
 *    and its packets come back with its own address as source: dropped, and kubeadm times out;
 *  - `kubeadm init` takes the bootstrap token (`[a-z0-9]{6}.[a-z0-9]{16}`, valid 24 h) and, with
 *    --upload-certs, the certificate key (64 hex digits; the kubeadm-certs Secret lives 2 h) as the
 *    cluster's own; a second init against the same endpoint makes no second cluster here, it fails;
 *  - `kubeadm join` needs an initialized cluster behind the endpoint with a registered target, a
 *    registered unexpired token, the CA hash of that cluster's CA (`sha256:<hex>`) and, with
 *    --control-plane, the uploaded certificate key before it expires.
 * kubeadm init gives the cluster an API server of its own (the sandbox starts one, sandbox-clusters.ts);
 * every node that joins registers with the API server of the cluster behind the endpoint it names.
 * A cluster whose first node applies no pod network (the VPC CNI) has no node that turns Ready. Once the
 * first node is Ready, it publishes what its user data says: the CA certificate hash in SSM,
 * the kubeconfig Tugboat uses (SSM) and the etcd access (Secrets Manager). The scenario account's
 * `etcd-member-unhealthy` fault stops the etcd member of the Nth control-plane node from ever starting.
 */
import { createHash } from "node:crypto";
import { resolveVersion } from "./launch-templates";
import type { SimulatedLoadBalancers } from "./self-managed-nlb";
import type { ParameterStore } from "./self-managed-parameters";
import type { RegionContext } from "./world";

const TOKEN_TTL_MS = 24 * 3600 * 1000;
const CERTIFICATE_KEY_TTL_MS = 2 * 3600 * 1000;
const TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;
const CERTIFICATE_KEY = /^[0-9a-f]{64}$/;
const CA_HASH = /^sha256:[0-9a-f]{64}$/;

export interface ParsedKubeadm {
  role: "init" | "join-control-plane" | "join-worker";
  endpoint: string;
  clusterName?: string;
  /** kubeadm init's kubernetesVersion, "1.31" (the control plane it starts). */
  kubernetesVersion?: string;
  uploadCerts: boolean;
  /** Configuration values, with $VARS still to resolve from the SSM reads. */
  token?: string;
  certificateKey?: string;
  caCertHash?: string;
  /** Shell variable → SSM parameter it is read from, and whether with decryption. */
  reads: Map<string, { name: string; decrypt: boolean }>;
  /** The SSM parameter the first node publishes the CA certificate hash to, if it publishes. */
  publishes?: string;
  /** The kubelet runs with --cloud-provider=external: its node waits for the cloud controller manager. */
  externalCloudProvider: boolean;
  /** The first node applies the AWS cloud controller manager's manifest. */
  appliesCloudController: boolean;
  /** The first node applies a pod network (the VPC CNI's manifest). */
  appliesNetworkPlugin: boolean;
}

/** The taint a kubelet with --cloud-provider=external registers with until a cloud controller initializes it. */
export const UNINITIALIZED_TAINT = "node.cloudprovider.kubernetes.io/uninitialized";
/** How often the cloud controller manager's node controller is modelled to look at new nodes. */
const CLOUD_CONTROLLER_POLL_SECONDS = 5;

/** What a kubelet reports while no pod network add-on is installed; modelled as a node that never joins. */
const NO_NETWORK =
  "the node never turns Ready: container runtime network not ready (cni plugin not initialized): the first node applied no pod network";

/** undefined: not kubeadm user data (left to other checks); a string: why it does not parse. */
export function parseKubeadmUserData(text: string): ParsedKubeadm | string | undefined {
  const command = /^kubeadm (init|join)\b(.*)$/m.exec(text);
  if (!command) return undefined;
  if (!text.startsWith("#!")) return "user data runs kubeadm but is not a script (no #! line)";
  const reads = new Map<string, { name: string; decrypt: boolean }>();
  for (const m of text.matchAll(/^([A-Z_][A-Z0-9_]*)=\$\(aws ssm get-parameter ([^)]*)\)$/gm)) {
    const args = m[2] ?? "";
    const name = /--name (\S+)/.exec(args)?.[1];
    if (!name) return `${m[1]} reads an SSM parameter without --name`;
    reads.set(m[1] as string, { name, decrypt: args.includes("--with-decryption") });
  }
  const heredoc = /<<'?EOF'?\n([\s\S]*?)\nEOF$/m.exec(text)?.[1];
  if (heredoc === undefined) return "no kubeadm configuration (heredoc ending in EOF) in the user data";
  const value = (key: string) => new RegExp(`^\\s*${key}:\\s*(\\S+)\\s*$`, "m").exec(heredoc)?.[1];
  const isInit = command[1] === "init";
  const endpoint = isInit ? value("controlPlaneEndpoint") : value("apiServerEndpoint");
  if (!endpoint)
    return `kubeadm ${command[1]}: the configuration names no ${isInit ? "controlPlaneEndpoint" : "apiServerEndpoint"}`;
  const controlPlane = !isInit && (/^controlPlane:/m.test(heredoc) || (command[2] ?? "").includes("--control-plane"));
  return {
    role: isInit ? "init" : controlPlane ? "join-control-plane" : "join-worker",
    endpoint,
    clusterName: value("clusterName"),
    kubernetesVersion: /^v?(\d+\.\d+)/.exec(value("kubernetesVersion") ?? "")?.[1],
    uploadCerts: (command[2] ?? "").includes("--upload-certs"),
    token: isInit ? /^\s*- token:\s*(\S+)/m.exec(heredoc)?.[1] : value("token"),
    certificateKey: value("certificateKey"),
    caCertHash: /caCertHashes:\s*\n\s*- (\S+)/.exec(heredoc)?.[1],
    reads,
    publishes: /tugboat-publish-access \S+ (\S+)/.exec(text)?.[1],
    externalCloudProvider: /- name: cloud-provider\s*\n\s*value: external/.test(heredoc),
    appliesCloudController: /^kubectl apply -f \S*aws-cloud-controller-manager\S*$/m.test(text),
    appliesNetworkPlugin: /^kubectl apply -f \S*(aws-k8s-cni|amazon-vpc-cni)\S*$/m.test(text),
  };
}

interface KubeadmCluster {
  name: string;
  endpoint: string;
  caHash: string;
  tokens: Map<string, number>;
  certificateKey?: { value: string; expiresMs: number };
  initGroup?: string;
  publishes?: string;
  published: boolean;
  appliesCloudController: boolean;
  /** Without a pod network no kubelet of the cluster reports Ready ("cni plugin not initialized"). */
  appliesNetworkPlugin: boolean;
  /** Auto Scaling groups whose machines ran kubeadm init or join --control-plane against this cluster. */
  controlPlaneGroups: Set<string>;
  controlPlaneJoins: number;
}

export interface KubeadmPublisher {
  /** Writes the kubeconfig, etcd access and RBAC of a cluster whose first node is Ready. */
  publish(cluster: string, caHash: string): void;
}

export class SimulatedKubeadm {
  readonly clusters = new Map<string, KubeadmCluster>();
  /** Why each refused launch's kubeadm failed, by Auto Scaling group, for tests and the trace. */
  readonly refusals = new Map<string, string>();
  /** Groups whose control-plane node's etcd member never starts (the scenario's fault). */
  readonly stalledGroups = new Set<string>();
  private publisher?: KubeadmPublisher;
  private readonly cloudControllerPolls = new Map<string, number>();
  /**
   * Called when a kubeadm init is accepted: the cluster gets its own API server, whose Kubernetes side
   * models the control plane from then on.
   */
  onInit: (cluster: { name: string; version?: string }) => void = () => {};

  constructor(
    private readonly ctx: RegionContext,
    private readonly parameters: ParameterStore,
    private readonly balancers: SimulatedLoadBalancers,
  ) {}

  setPublisher(publisher: KubeadmPublisher): void {
    this.publisher = publisher;
  }

  /** The user data of the launch template version an instance launches from, decoded. */
  private userData(launchTemplate?: { id: string; version: number }): string | undefined {
    const template = launchTemplate ? this.ctx.world.launchTemplates.get(launchTemplate.id) : undefined;
    const data = template ? resolveVersion(template, String(launchTemplate?.version))?.data : undefined;
    return typeof data?.UserData === "string" ? Buffer.from(data.UserData, "base64").toString("utf8") : undefined;
  }

  /**
   * Where kubeadm on this launch registers the kubelet: the cluster initialized behind the endpoint its
   * configuration names, or why it fails; undefined when the user data is not kubeadm's.
   */
  join(attempt: {
    groupName?: string;
    launchTemplate?: { id: string; version: number };
  }): { cluster: string } | { refusal: string } | undefined {
    const text = this.userData(attempt.launchTemplate);
    if (text === undefined) return undefined;
    const parsed = parseKubeadmUserData(text);
    if (parsed === undefined) return undefined;
    const refusal =
      typeof parsed === "string" ? `user data does not parse: ${parsed}` : this.check(parsed, attempt.groupName);
    if (refusal !== undefined || typeof parsed === "string") {
      const reason = refusal ?? "user data does not parse";
      if (attempt.groupName) this.refusals.set(attempt.groupName, reason);
      return { refusal: reason };
    }
    const cluster = this.clusterAt(parsed.endpoint);
    if (!cluster) return { refusal: `kubeadm ${parsed.role}: no API server answers at ${parsed.endpoint}` };
    if (parsed.externalCloudProvider && attempt.groupName) this.initializeNodes(cluster, attempt.groupName);
    return { cluster: cluster.name };
  }

  /** Forgets the clusters behind a deleted load balancer's DNS name; their names. */
  forget(dnsName: string): string[] {
    const gone = [...this.clusters.values()].filter((c) => c.endpoint.split(":")[0] === dnsName);
    for (const cluster of gone) this.clusters.delete(cluster.name);
    return gone.map((c) => c.name);
  }

  private clusterAt(endpoint: string): KubeadmCluster | undefined {
    return [...this.clusters.values()].find((c) => c.endpoint === endpoint);
  }

  /** The uninitialized taint for kubelets with --cloud-provider=external. */
  registerTaints(attempt: { launchTemplate?: { id: string; version: number } }) {
    const text = this.userData(attempt.launchTemplate);
    const parsed = text === undefined ? undefined : parseKubeadmUserData(text);
    if (typeof parsed !== "object" || !parsed.externalCloudProvider) return undefined;
    return [{ key: UNINITIALIZED_TAINT, value: "true", effect: "NoSchedule" as const }];
  }

  /**
   * The cloud controller manager's node controller: once the cluster's first node is Ready with the
   * manager applied, each registered node of the group is initialized (its taint removed). Polls until
   * every instance of the group has been initialized; a cluster whose first node applied no cloud
   * controller leaves its nodes tainted for ever.
   */
  private initializeNodes(cluster: KubeadmCluster, groupName: string): void {
    if (this.cloudControllerPolls.has(groupName)) return;
    const poll = () => {
      this.cloudControllerPolls.delete(groupName);
      if (!cluster.appliesCloudController) return;
      const group = this.ctx.world.groups.get(groupName);
      if (!group) return;
      let waiting = group.members.size < group.desiredCapacity;
      const kube = this.ctx.clusterControl(cluster.name);
      if (this.initReady(cluster)) {
        for (const id of group.members.keys()) {
          const node = kube.nodeNameForInstance(id);
          if (node) kube.removeTaint?.(node, UNINITIALIZED_TAINT);
          else waiting = true;
        }
      } else waiting = true;
      if (waiting) schedule();
    };
    const schedule = () =>
      this.cloudControllerPolls.set(
        groupName,
        this.ctx.clock.after(CLOUD_CONTROLLER_POLL_SECONDS, `cloud controller initializes ${groupName}`, poll),
      );
    schedule();
  }

  private initReady(cluster: KubeadmCluster): boolean {
    const group = cluster.initGroup ? this.ctx.world.groups.get(cluster.initGroup) : undefined;
    const kube = this.ctx.clusterControl(cluster.name);
    return [...(group?.members.keys() ?? [])].some((id) => {
      const node = kube.nodeNameForInstance(id);
      return node !== undefined && kube.isNodeReady(node);
    });
  }

  private resolve(parsed: ParsedKubeadm, raw: string | undefined): string | undefined {
    const variable = raw && /^\$\{?([A-Z_][A-Z0-9_]*)\}?$/.exec(raw)?.[1];
    if (!variable) return raw;
    const read = parsed.reads.get(variable);
    return read ? this.parameters.read(read.name, read.decrypt) : "";
  }

  private check(parsed: ParsedKubeadm, groupName: string | undefined): string | undefined {
    const now = this.ctx.clock.nowMs();
    const [host, port] = parsed.endpoint.split(":");
    const balancer = this.balancers.byDnsName(host ?? "");
    if (!balancer) return `kubeadm ${parsed.role}: ${parsed.endpoint} does not resolve to a load balancer`;
    const listener = balancer.listeners.find((l) => String(l.port) === port);
    if (!listener) return `kubeadm ${parsed.role}: nothing listens on ${parsed.endpoint} (connection refused)`;
    const group = this.balancers.targetGroupByArn(listener.targetGroupArn);
    if (parsed.role !== "join-worker" && group?.targetType === "instance" && group.preserveClientIp) {
      return `kubeadm ${parsed.role} timed out reaching ${parsed.endpoint}: target group ${group.name} preserves client IPs, so a control-plane node routed to itself through the NLB drops its own packets (hairpin)`;
    }
    const token = this.resolve(parsed, parsed.token) ?? "";
    if (!TOKEN.test(token))
      return `kubeadm ${parsed.role}: bootstrap token is not of the form [a-z0-9]{6}.[a-z0-9]{16}`;
    const existing = this.clusterAt(parsed.endpoint);
    if (parsed.role === "init") {
      if (existing)
        return `kubeadm init: a cluster already answers at ${parsed.endpoint}; a second init would split it`;
      const key = this.resolve(parsed, parsed.certificateKey) ?? "";
      if (parsed.uploadCerts && !CERTIFICATE_KEY.test(key)) return "kubeadm init: certificate key is not 64 hex digits";
      const name = parsed.clusterName ?? "kubernetes";
      this.clusters.set(name, {
        name,
        endpoint: parsed.endpoint,
        caHash: `sha256:${createHash("sha256").update(`${this.ctx.scenario.seed}:ca:${parsed.endpoint}`).digest("hex")}`,
        tokens: new Map([[token, now + TOKEN_TTL_MS]]),
        ...(parsed.uploadCerts ? { certificateKey: { value: key, expiresMs: now + CERTIFICATE_KEY_TTL_MS } } : {}),
        ...(groupName ? { initGroup: groupName } : {}),
        ...(parsed.publishes ? { publishes: parsed.publishes } : {}),
        appliesCloudController: parsed.appliesCloudController,
        appliesNetworkPlugin: parsed.appliesNetworkPlugin,
        controlPlaneGroups: new Set(groupName ? [groupName] : []),
        published: false,
        controlPlaneJoins: 1,
      });
      this.onInit({ name, ...(parsed.kubernetesVersion ? { version: parsed.kubernetesVersion } : {}) });
      return parsed.appliesNetworkPlugin ? undefined : NO_NETWORK;
    }
    if (!existing)
      return `kubeadm join: no API server answers at ${parsed.endpoint} (no cluster initialized behind it)`;
    if (!existing.appliesNetworkPlugin) return NO_NETWORK;
    if (!group || group.targets.length === 0) {
      return `kubeadm join timed out: ${parsed.endpoint} has no registered targets`;
    }
    const expires = existing.tokens.get(token);
    if (expires === undefined) return `kubeadm join: bootstrap token ${token.slice(0, 6)}.… is unknown to the cluster`;
    if (expires <= now) return `kubeadm join: bootstrap token ${token.slice(0, 6)}.… expired`;
    const hash = this.resolve(parsed, parsed.caCertHash) ?? "";
    if (!CA_HASH.test(hash)) return "kubeadm join: CA certificate hash is not of the form sha256:<hex>";
    if (hash !== existing.caHash)
      return `kubeadm join: the cluster CA at ${parsed.endpoint} does not match the pinned hash ${hash.slice(0, 16)}…`;
    if (parsed.role === "join-control-plane") {
      const key = this.resolve(parsed, parsed.certificateKey) ?? "";
      if (!existing.certificateKey || existing.certificateKey.value !== key) {
        return "kubeadm join --control-plane: the certificate key does not decrypt the kubeadm-certs Secret";
      }
      if (existing.certificateKey.expiresMs <= now) {
        return "kubeadm join --control-plane: the kubeadm-certs Secret has expired (certificate key older than 2 h)";
      }
      existing.controlPlaneJoins++;
      if (groupName) existing.controlPlaneGroups.add(groupName);
      const fault = this.ctx.scenario.account?.faults.find(
        (f) => f.kind === "etcd-member-unhealthy" && f.controlPlaneNode === existing.controlPlaneJoins,
      );
      if (fault && groupName) this.stalledGroups.add(groupName);
    }
    return undefined;
  }

  /**
   * Runs renewal commands on a machine (SSM Run Command); the error output when they fail. The machine
   * must be a Ready control-plane node of a kubeadm cluster.
   */
  runShell(instanceId: string, commands: string[]): string | undefined {
    const groupName = this.ctx.world.instances.get(instanceId)?.groupName;
    const cluster = [...this.clusters.values()].find(
      (c) => groupName !== undefined && c.controlPlaneGroups.has(groupName),
    );
    if (!cluster) return "kubeadm: this machine is not a control-plane node of a kubeadm cluster";
    const kube = this.ctx.clusterControl(cluster.name);
    const node = kube.nodeNameForInstance(instanceId);
    if (!node || !kube.isNodeReady(node)) return "kubeadm: the API server on this node does not answer";
    const now = this.ctx.clock.nowMs();
    const value = (args: string) => {
      const name = /--name (\S+)/.exec(args)?.[1] ?? "";
      return this.parameters.read(name, args.includes("--with-decryption")) ?? "";
    };
    for (const command of commands) {
      const token = /^kubeadm token create "\$\(aws ssm get-parameter ([^)]*)\)" --ttl 24h0m0s$/.exec(command);
      const upload =
        /^kubeadm init phase upload-certs --upload-certs --certificate-key "\$\(aws ssm get-parameter ([^)]*)\)"$/.exec(
          command,
        );
      if (token) {
        const created = value(token[1] ?? "");
        if (!TOKEN.test(created)) return `kubeadm token create: invalid token "${created.slice(0, 8)}…"`;
        cluster.tokens.set(created, now + TOKEN_TTL_MS);
      } else if (upload) {
        const key = value(upload[1] ?? "");
        if (!CERTIFICATE_KEY.test(key))
          return "kubeadm init phase upload-certs: the certificate key is not 64 hex digits";
        cluster.certificateKey = { value: key, expiresMs: now + CERTIFICATE_KEY_TTL_MS };
      } else {
        return `${command.split(" ")[0]}: command not understood here`;
      }
    }
    return undefined;
  }

  /** Whether an instance's etcd member is held back by the fault. */
  etcdStalled(instanceId: string): boolean {
    const group = this.ctx.world.instances.get(instanceId)?.groupName;
    return group !== undefined && this.stalledGroups.has(group);
  }

  /** Publishes what each first node's user data publishes, once that node is Ready. */
  publishDue(): void {
    for (const cluster of this.clusters.values()) {
      if (cluster.published || !cluster.publishes || !cluster.initGroup) continue;
      if (!this.initReady(cluster)) continue;
      cluster.published = true;
      this.parameters.put(cluster.publishes, cluster.caHash, "SecureString", true);
      this.publisher?.publish(cluster.name, cluster.caHash);
    }
  }
}
