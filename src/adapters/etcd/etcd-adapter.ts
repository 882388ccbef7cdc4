/**
 * EtcdPort on etcd's v3 JSON gateway (the grpc-gateway every etcd member serves on its client URL):
 * POST /v3/cluster/member/list, /remove and /promote to the first endpoint that answers,
 * and GET <clientURL>/health of every member at once for its health. A member whose health check
 * fails in any way (refused, reset, timed out, "false") is unhealthy: a dead machine refuses
 * connections or never answers. Mutual TLS when the access gives a client certificate.
 */
import { Agent as HttpsAgent } from "node:https";
import { RetryableError, TerminalError } from "../../core/errors";
import type { EtcdMember, EtcdPort, PromoteOutcome } from "../../core/ports";
import { isRetryableStatus } from "../aws/classify";
import type { EtcdAccess } from "./etcd-access";
import { type JsonResponse, requestJson } from "./http-json";

/** etcdctl's default dial timeout is 2 s; a health probe that takes longer is as good as failed. */
const HEALTH_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;

/** gRPC codes etcd's gateway reports (google.golang.org/grpc/codes). */
const NOT_FOUND = 5;
const UNAVAILABLE = 14;
const MEMBER_NOT_FOUND = "etcdserver: member not found";
/** ErrGRPCLearnerNotReady: the learner's log is not yet close enough to the leader's. */
const LEARNER_NOT_IN_SYNC = "etcdserver: can only promote a learner member which is in sync with leader";
/** ErrGRPCMemberNotLearner: the member already votes. */
const MEMBER_NOT_LEARNER = "etcdserver: can only promote a learner member";
/** Refusals of --strict-reconfig-check: removing the member would leave etcd without a safe quorum. */
const QUORUM_REFUSALS = [
  "etcdserver: re-configuration failed due to not enough started members",
  "etcdserver: unhealthy cluster",
];

interface GatewayError {
  error?: string;
  message?: string;
  code?: number;
}

export interface EtcdAdapterOptions {
  healthTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export class EtcdAdapter implements EtcdPort {
  private readonly agent: HttpsAgent | undefined;
  private readonly healthTimeoutMs: number;
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly access: EtcdAccess,
    options: EtcdAdapterOptions = {},
  ) {
    this.agent =
      access.ca || access.cert
        ? new HttpsAgent({ ca: access.ca, cert: access.cert, key: access.key, keepAlive: true })
        : undefined;
    this.healthTimeoutMs = options.healthTimeoutMs ?? HEALTH_TIMEOUT_MS;
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  async listMembers(): Promise<EtcdMember[]> {
    const response = await this.post("/v3/cluster/member/list", {});
    if (response.status !== 200) throw this.failure(response, "listing etcd members");
    const members = ((response.body as { members?: unknown[] })?.members ?? []).map(toMember);
    return Promise.all(
      members.map(async (member) => ({ ...member, healthy: await this.isHealthy(member.clientUrls) })),
    );
  }

  async removeMember(id: string): Promise<"removed" | "not-found"> {
    if (!/^\d{1,20}$/.test(id)) throw new TerminalError(`etcd member id "${id}" is not a decimal uint64`);
    const response = await this.post("/v3/cluster/member/remove", { ID: id });
    if (response.status === 200) return "removed";
    const error = (response.body ?? {}) as GatewayError;
    const message = error.message ?? error.error ?? "";
    if (error.code === NOT_FOUND || message === MEMBER_NOT_FOUND) return "not-found";
    if (QUORUM_REFUSALS.includes(message)) {
      throw new TerminalError(`etcd refused to remove member ${id}: ${message}`);
    }
    throw this.failure(response, `removing etcd member ${id}`);
  }

  /**
   * MemberPromote of a learner to a voting member. etcd refuses a learner that has not caught up with
   * the leader's log, and a member that already votes: both are answers (wait and ask again; done).
   */
  async promoteMember(id: string): Promise<PromoteOutcome> {
    if (!/^\d{1,20}$/.test(id)) throw new TerminalError(`etcd member id "${id}" is not a decimal uint64`);
    const response = await this.post("/v3/cluster/member/promote", { ID: id });
    if (response.status === 200) return "promoted";
    const error = (response.body ?? {}) as GatewayError;
    const message = error.message ?? error.error ?? "";
    if (error.code === NOT_FOUND || message === MEMBER_NOT_FOUND) return "not-found";
    if (message === LEARNER_NOT_IN_SYNC) return "not-in-sync";
    if (message === MEMBER_NOT_LEARNER) return "not-learner";
    throw this.failure(response, `promoting etcd member ${id}`);
  }

  private async isHealthy(clientUrls: string[]): Promise<boolean> {
    const url = clientUrls[0];
    if (!url) return false;
    try {
      const response = await requestJson(`${url.replace(/\/+$/, "")}/health`, {
        method: "GET",
        agent: this.agent,
        timeoutMs: this.healthTimeoutMs,
      });
      return response.status === 200 && (response.body as { health?: unknown })?.health === "true";
    } catch {
      return false;
    }
  }

  /** The first endpoint that answers at all; an HTTP error is an answer. */
  private async post(path: string, body: unknown): Promise<JsonResponse> {
    const failures: string[] = [];
    for (const endpoint of this.access.endpoints) {
      try {
        return await requestJson(`${endpoint.replace(/\/+$/, "")}${path}`, {
          method: "POST",
          body,
          agent: this.agent,
          timeoutMs: this.requestTimeoutMs,
        });
      } catch (err) {
        failures.push(`${endpoint}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    throw new RetryableError(`no etcd endpoint answered (${failures.join("; ")})`);
  }

  private failure(response: JsonResponse, doing: string): RetryableError | TerminalError {
    const error = (response.body ?? {}) as GatewayError;
    const message = error.message ?? error.error ?? (typeof response.body === "string" ? response.body : "");
    const text = `${doing} failed: HTTP ${response.status}${message ? `: ${message}` : ""}`;
    // No leader (an election, or lost quorum), timeouts and server faults may pass; the rest will not.
    if (error.code === UNAVAILABLE || isRetryableStatus(response.status)) return new RetryableError(text);
    return new TerminalError(text);
  }
}

function toMember(raw: unknown): Omit<EtcdMember, "healthy"> {
  const member = (raw ?? {}) as Record<string, unknown>;
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  return {
    // uint64 travels as a decimal string; a number here would already have lost precision above 2^53.
    id: typeof member.ID === "string" ? member.ID : String(member.ID ?? ""),
    name: typeof member.name === "string" ? member.name : "",
    peerUrls: strings(member.peerURLs),
    clientUrls: strings(member.clientURLs),
    isLearner: member.isLearner === true,
  };
}
