/**
 * EKS access entries (the cluster access management API): CreateAccessEntry, DescribeAccessEntry,
 * ListAccessEntries, UpdateAccessEntry, DeleteAccessEntry, AssociateAccessPolicy and
 * ListAssociatedAccessPolicies, in EKS's words. They need the authentication mode API or
 * API_AND_CONFIG_MAP. The simulated API server reads them to turn a signed role into a username and
 * groups (accessEntryIdentity). Every cluster starts with its creator's entry, an admin; a scenario's
 * `cluster.access: "connected"` also gives Tugboat's roles theirs, "none" does not.
 */
import type { AccessEntryIdentity } from "../kube/auth/eks-token";
import type { CommandHandler } from "./autoscaling";
import { eksPage } from "./eks-pagination";
import { eksError } from "./errors";
import { hashString } from "./ids";
import { type CommandInput, optionalString, requireString, stringList } from "./input";
import type { SimCluster } from "./model";
import type { RegionContext } from "./world";

export const CLUSTER_ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

export interface SimAccessEntry {
  clusterName: string;
  principalArn: string;
  kubernetesGroups: string[];
  username: string;
  type: string;
  accessEntryArn: string;
  createdMs: number;
  modifiedMs: number;
  tags: Record<string, string>;
  policies: { policyArn: string; accessScope: { type: string; namespaces: string[] }; associatedMs: number }[];
}

export type AuthenticationMode = "API" | "API_AND_CONFIG_MAP" | "CONFIG_MAP";

export class EksAccessEntries {
  private readonly entries = new Map<string, Map<string, SimAccessEntry>>();
  private readonly modes = new Map<string, AuthenticationMode>();

  constructor(
    private readonly ctx: RegionContext,
    private readonly cluster: (name: string) => SimCluster,
  ) {}

  authenticationMode(clusterName: string): AuthenticationMode {
    return this.modes.get(clusterName) ?? "API_AND_CONFIG_MAP";
  }

  setAuthenticationMode(clusterName: string, mode: AuthenticationMode): void {
    this.modes.set(clusterName, mode);
  }

  /** What the API server's authenticator needs: the entry's username, groups and whether it is a cluster admin. */
  accessEntryIdentity(clusterName: string, principalArn: string): AccessEntryIdentity | undefined {
    if (this.authenticationMode(clusterName) === "CONFIG_MAP") return undefined;
    const entry = this.entries.get(clusterName)?.get(principalArn);
    if (!entry) return undefined;
    return {
      username: entry.username,
      groups: [...entry.kubernetesGroups],
      clusterAdmin: entry.policies.some(
        (p) => p.policyArn === CLUSTER_ADMIN_POLICY_ARN && p.accessScope.type === "cluster",
      ),
    };
  }

  /** The entry's type (STANDARD, EC2_LINUX, …), for the node join check; undefined without an entry. */
  entryType(clusterName: string, principalArn: string): string | undefined {
    if (this.authenticationMode(clusterName) === "CONFIG_MAP") return undefined;
    return this.entries.get(clusterName)?.get(principalArn)?.type;
  }

  /** What EKS does for a managed node group's role: an EC2_LINUX entry, unless one exists. */
  ensureNodeRoleEntry(clusterName: string, principalArn: string): void {
    if (this.entries.get(clusterName)?.has(principalArn)) return;
    this.create({ clusterName, principalArn, type: "EC2_LINUX" });
  }

  /** A deleted cluster takes its access entries with it. */
  forgetCluster(clusterName: string): void {
    this.entries.delete(clusterName);
    this.modes.delete(clusterName);
  }

  /** Seeds an entry as the scenario's history left it (no API call is counted). */
  seed(clusterName: string, principalArn: string, kubernetesGroups: string[], clusterAdmin = false): void {
    const entry = this.create({ clusterName, principalArn, kubernetesGroups });
    if (clusterAdmin) {
      entry.policies.push({
        policyArn: CLUSTER_ADMIN_POLICY_ARN,
        accessScope: { type: "cluster", namespaces: [] },
        associatedMs: entry.createdMs,
      });
    }
  }

  handlers(): Record<string, CommandHandler> {
    return {
      CreateAccessEntry: (input) => ({ accessEntry: entryShape(this.create(input)) }),
      DescribeAccessEntry: (input) => ({ accessEntry: entryShape(this.entry(input)) }),
      ListAccessEntries: (input) => {
        const cluster = this.apiCluster(input);
        const policy = optionalString(input, "associatedPolicyArn");
        const arns = [...(this.entries.get(cluster.name)?.values() ?? [])]
          .filter((e) => policy === undefined || e.policies.some((p) => p.policyArn === policy))
          .map((e) => e.principalArn)
          .sort();
        const page = eksPage(`access-entries:${cluster.name}:${policy ?? ""}`, arns, input);
        return { accessEntries: page.items, nextToken: page.nextToken };
      },
      UpdateAccessEntry: (input) => {
        const entry = this.entry(input);
        const groups = stringList(input, "kubernetesGroups");
        if (groups) entry.kubernetesGroups = [...new Set(groups)];
        const username = optionalString(input, "username");
        if (username) entry.username = username;
        entry.modifiedMs = this.ctx.clock.nowMs();
        return { accessEntry: entryShape(entry) };
      },
      DeleteAccessEntry: (input) => {
        const entry = this.entry(input);
        this.entries.get(entry.clusterName)?.delete(entry.principalArn);
        return {};
      },
      AssociateAccessPolicy: (input) => {
        const entry = this.entry(input);
        const policyArn = requireString("eks", input, "policyArn");
        const scope = input.accessScope as { type?: string; namespaces?: string[] } | undefined;
        if (!scope?.type) throw eksError("InvalidParameterException", "accessScope must be specified.");
        const now = this.ctx.clock.nowMs();
        entry.policies = entry.policies.filter((p) => p.policyArn !== policyArn);
        entry.policies.push({
          policyArn,
          accessScope: { type: scope.type, namespaces: [...(scope.namespaces ?? [])] },
          associatedMs: now,
        });
        return {
          clusterName: entry.clusterName,
          principalArn: entry.principalArn,
          associatedAccessPolicy: policyShape(entry.policies.at(-1) as SimAccessEntry["policies"][number]),
        };
      },
      ListAssociatedAccessPolicies: (input) => {
        const entry = this.entry(input);
        return {
          clusterName: entry.clusterName,
          principalArn: entry.principalArn,
          associatedAccessPolicies: entry.policies.map(policyShape),
        };
      },
    };
  }

  private apiCluster(input: CommandInput): SimCluster {
    const cluster = this.cluster(requireString("eks", input, "clusterName"));
    if (this.authenticationMode(cluster.name) === "CONFIG_MAP") {
      throw eksError(
        "InvalidRequestException",
        "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.",
        { clusterName: cluster.name },
      );
    }
    return cluster;
  }

  private entry(input: CommandInput): SimAccessEntry {
    const cluster = this.apiCluster(input);
    const principalArn = requireString("eks", input, "principalArn");
    const entry = this.entries.get(cluster.name)?.get(principalArn);
    if (!entry) {
      throw eksError(
        "ResourceNotFoundException",
        "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.",
        { clusterName: cluster.name },
      );
    }
    return entry;
  }

  private create(input: CommandInput): SimAccessEntry {
    const cluster = this.apiCluster(input);
    const principalArn = requireString("eks", input, "principalArn");
    const match = PRINCIPAL_ARN.exec(principalArn);
    if (!match) throw eksError("InvalidParameterException", "The principalArn parameter format is not valid");
    const groups = stringList(input, "kubernetesGroups") ?? [];
    const reserved = groups.find((g) => g.startsWith("system:"));
    if (reserved) {
      throw eksError(
        "InvalidParameterException",
        `The kubernetes group name ${reserved} is invalid, it cannot start with system:`,
      );
    }
    const byPrincipal = this.entries.get(cluster.name) ?? new Map<string, SimAccessEntry>();
    this.entries.set(cluster.name, byPrincipal);
    if (byPrincipal.has(principalArn)) {
      throw eksError(
        "ResourceInUseException",
        "The specified access entry resource is already in use on this cluster.",
        {
          clusterName: cluster.name,
        },
      );
    }
    const [, account, kind, name] = match as unknown as [string, string, string, string];
    const now = this.ctx.clock.nowMs();
    const hash = hashString(`${cluster.name}/${principalArn}`).toString(16).padStart(8, "0");
    const entry: SimAccessEntry = {
      clusterName: cluster.name,
      principalArn,
      kubernetesGroups: [...new Set(groups)],
      // EKS's default usernames: an assumed-role session for a role, the ARN itself for a user.
      username:
        optionalString(input, "username") ??
        (kind === "role" ? `arn:aws:sts::${account}:assumed-role/${name}/{{SessionName}}` : principalArn),
      type: optionalString(input, "type") ?? "STANDARD",
      accessEntryArn: `arn:aws:eks:${this.ctx.regionName}:${account}:access-entry/${cluster.name}/${kind}/${account}/${name}/${hash}-0000-4000-8000-${hash}${hash.slice(0, 4)}`,
      createdMs: now,
      modifiedMs: now,
      tags: { ...((input.tags as Record<string, string> | undefined) ?? {}) },
      policies: [],
    };
    byPrincipal.set(principalArn, entry);
    return entry;
  }
}

function policyShape(policy: SimAccessEntry["policies"][number]) {
  return {
    policyArn: policy.policyArn,
    accessScope: { type: policy.accessScope.type, namespaces: [...policy.accessScope.namespaces] },
    associatedAt: new Date(policy.associatedMs),
    modifiedAt: new Date(policy.associatedMs),
  };
}

function entryShape(entry: SimAccessEntry) {
  return {
    clusterName: entry.clusterName,
    principalArn: entry.principalArn,
    kubernetesGroups: [...entry.kubernetesGroups],
    accessEntryArn: entry.accessEntryArn,
    createdAt: new Date(entry.createdMs),
    modifiedAt: new Date(entry.modifiedMs),
    tags: { ...entry.tags },
    username: entry.username,
    type: entry.type,
  };
}
