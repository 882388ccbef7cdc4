/**
 * etcd's v3 JSON gateway (grpc-gateway in front of the Cluster API) on 127.0.0.1, for the members of
 * a simulated etcd cluster. uint64 fields travel as decimal strings, as the gateway's protobuf JSON
 * encoding writes them; errors are grpc-gateway bodies {"error","code","message"} with the HTTP
 * status of the gRPC code. Each member's client URL is <gateway>/members/<hex id>: its /health
 * answers while the member runs and is started; otherwise the connection is dropped, as a machine
 * that is gone (or an etcd not yet listening) would.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type EtcdCluster, type EtcdMemberRecord, hexId } from "./etcd-cluster";
import { EtcdError } from "./etcd-errors";

export interface EtcdGateway {
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
}

const MEMBER_HEALTH = /^\/members\/([0-9a-f]+)\/health$/;
const MEMBER_PATHS = new Set(["/v3/cluster/member/list", "/v3/cluster/member/remove", "/v3/cluster/member/promote"]);

export function memberClientUrl(gatewayUrl: string, member: EtcdMemberRecord): string {
  return `${gatewayUrl}/members/${hexId(member.id)}`;
}

function renderMember(gatewayUrl: string, member: EtcdMemberRecord): Record<string, unknown> {
  return {
    ID: member.id.toString(),
    // A member that has not started yet has published neither its name nor its client URLs.
    name: member.name,
    peerURLs: [...member.peerUrls],
    clientURLs: member.started ? [memberClientUrl(gatewayUrl, member)] : [],
    isLearner: member.isLearner,
  };
}

function renderHeader(etcd: EtcdCluster): Record<string, string> {
  const header = etcd.header();
  return {
    cluster_id: header.clusterId.toString(),
    member_id: header.memberId.toString(),
    raft_term: header.raftTerm.toString(),
    revision: header.revision.toString(),
  };
}

function errorReply(error: EtcdError): Reply {
  return { status: error.httpStatus, body: { error: error.message, code: error.grpcCode, message: error.message } };
}

function badRequest(message: string): Reply {
  // codes.InvalidArgument (3) → 400.
  return { status: 400, body: { error: message, code: 3, message } };
}

/** The member id of a MemberRemoveRequest or MemberPromoteRequest: protobuf JSON accepts a uint64 as a number or a string. */
function parseMemberId(body: unknown): bigint | undefined {
  const raw = (body as { ID?: unknown } | undefined)?.ID;
  if (typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 0) return BigInt(raw);
  if (typeof raw === "string" && /^\d{1,20}$/.test(raw)) {
    const id = BigInt(raw);
    return id < 2n ** 64n ? id : undefined;
  }
  return undefined;
}

/** undefined: no member would answer at all (the caller drops the connection). */
function answer(etcd: EtcdCluster, gatewayUrl: string, method: string, path: string, raw: string): Reply | undefined {
  const health = MEMBER_HEALTH.exec(path);
  if (health && method === "GET") {
    const member = etcd.list().find((m) => hexId(m.id) === health[1]);
    if (!member || !etcd.isHealthy(member)) return undefined;
    return etcd.hasQuorum()
      ? { status: 200, body: { health: "true", reason: "" } }
      : { status: 503, body: { health: "false", reason: "RAFT NO LEADER" } };
  }
  if (etcd.healthyCount() === 0) return undefined;
  if (path === "/health" && method === "GET") {
    return etcd.hasQuorum()
      ? { status: 200, body: { health: "true", reason: "" } }
      : { status: 503, body: { health: "false", reason: "RAFT NO LEADER" } };
  }
  if (!MEMBER_PATHS.has(path)) {
    return { status: 404, body: { error: "Not Found", code: 5, message: "Not Found" } };
  }
  if (method !== "POST")
    return { status: 405, body: { error: "Method Not Allowed", code: 12, message: "Method Not Allowed" } };
  let body: unknown;
  try {
    body = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch (error) {
    return badRequest(`invalid character in request body: ${(error as Error).message}`);
  }
  if (path === "/v3/cluster/member/list") {
    return {
      status: 200,
      body: { header: renderHeader(etcd), members: etcd.list().map((m) => renderMember(gatewayUrl, m)) },
    };
  }
  const id = parseMemberId(body);
  if (id === undefined) return badRequest("member ID must be a uint64");
  try {
    if (path === "/v3/cluster/member/promote") etcd.promoteMember(id);
    else etcd.removeMember(id);
  } catch (error) {
    if (error instanceof EtcdError) return errorReply(error);
    throw error;
  }
  return {
    status: 200,
    body: { header: renderHeader(etcd), members: etcd.list().map((m) => renderMember(gatewayUrl, m)) },
  };
}

function send(response: ServerResponse, reply: Reply): void {
  const payload = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(payload),
  });
  response.end(payload);
}

export async function startEtcdGateway(etcd: EtcdCluster): Promise<EtcdGateway> {
  let url = "";
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
      const reply = answer(etcd, url, (request.method ?? "GET").toUpperCase(), path, Buffer.concat(chunks).toString());
      if (reply) send(response, reply);
      else request.socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
