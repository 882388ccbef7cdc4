/**
 * The simulated Kubernetes API server: node:http on 127.0.0.1 (port chosen by the OS), JSON only,
 * bearer-token authentication, then RBAC authorization of every request against the cluster's stored
 * roles and bindings (auth/), as kube-apiserver does: an unknown token is a 401, a request no rule
 * allows a 403 in the upstream format. The production kube adapter reaches it through
 * @kubernetes/client-node exactly as it reaches EKS. Requests are answered synchronously against
 * the cluster's store; virtual time moves only when the sandbox advances the clock.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { route } from "./api/router";
import { type ApiRequest, type ApiResponse, SerializedJson } from "./api/types";
import { forbiddenStatus } from "./auth/forbidden";
import { type Authenticate, type Identity, UNRESTRICTED_IDENTITY } from "./auth/identity";
import { RbacAuthorizer } from "./auth/rbac-authorizer";
import { type RequestAttributes, requestAttributes } from "./auth/request-info";
import type { SimulatedCluster } from "./cluster";
import { badRequest, failure } from "./render/status";

export interface KubeApiServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The server itself, for connections that do not go through the kernel (sandbox/in-process-agent.ts). */
  httpServer: Server;
  close(): Promise<void>;
}

export interface KubeApiServerOptions {
  /** When set, only this bearer token is accepted; otherwise any non-empty bearer token is. */
  token?: string;
  /**
   * Maps a bearer token to an identity (undefined: 401). Without it every accepted token is an
   * unrestricted identity, as the API's own unit tests want.
   */
  authenticate?: Authenticate;
  /** Sees every authenticated request with the authorizer's decision (recording what an identity asked for). */
  onAuthorized?: (request: AuthorizedRequest) => void;
}

export interface AuthorizedRequest {
  identity: Identity;
  attributes: RequestAttributes;
  allowed: boolean;
}

function unauthorized(): ApiResponse {
  return { status: 401, body: failure(401, "Unauthorized", "Unauthorized") };
}

function authenticated(request: IncomingMessage, options: KubeApiServerOptions): Identity | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
  const token = match?.[1];
  if (!token) return undefined;
  if (options.token !== undefined && token !== options.token) return undefined;
  return options.authenticate ? options.authenticate(token) : UNRESTRICTED_IDENTITY;
}

function parseBody(raw: string): { body: unknown } | { error: ApiResponse } {
  if (raw.trim() === "") return { body: undefined };
  try {
    return { body: JSON.parse(raw) };
  } catch (error) {
    return {
      error: { status: 400, body: badRequest(`the request body is not valid JSON: ${(error as Error).message}`) },
    };
  }
}

function answer(
  cluster: SimulatedCluster,
  request: IncomingMessage,
  raw: string,
  options: KubeApiServerOptions,
  authorizer: RbacAuthorizer,
): ApiResponse {
  const identity = authenticated(request, options);
  if (!identity) return unauthorized();
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const method = (request.method ?? "GET").toUpperCase();
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  // Authorization comes before the body is read, as in kube-apiserver's filter chain.
  const attributes = requestAttributes(method, path, url.searchParams);
  const decision = authorizer.authorize(identity, attributes);
  options.onAuthorized?.({ identity, attributes, allowed: decision.allowed });
  if (!decision.allowed) {
    return { status: 403, body: forbiddenStatus(identity.username, attributes, decision.reason) };
  }
  const parsed = parseBody(raw);
  if ("error" in parsed) return parsed.error;
  const apiRequest: ApiRequest = {
    method,
    path,
    query: url.searchParams,
    contentType: (request.headers["content-type"] ?? "application/json").split(";")[0]?.trim().toLowerCase() ?? "",
    body: parsed.body,
  };
  try {
    return route(cluster.state, apiRequest);
  } catch (error) {
    const message = `${apiRequest.method} ${apiRequest.path} failed in the simulated API server: ${(error as Error).message}`;
    return { status: 500, body: failure(500, "InternalError", message) };
  }
}

function send(response: ServerResponse, result: ApiResponse): void {
  const text = result.body instanceof SerializedJson ? result.body.text : JSON.stringify(result.body);
  // Encoded once: its length is the buffer's (Buffer.byteLength would walk a list's text a second time).
  const payload = Buffer.from(text, "utf8");
  response.writeHead(result.status, {
    "Content-Type": "application/json",
    "Content-Length": payload.length,
    "Cache-Control": "no-cache, private",
  });
  response.end(payload);
}

export async function startKubeApiServer(
  cluster: SimulatedCluster,
  opts: KubeApiServerOptions = {},
): Promise<KubeApiServer> {
  const authorizer = new RbacAuthorizer(cluster.state.rbac);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      cluster.state.apiCalls += 1;
      cluster.state.apiCallSeconds += cluster.state.timing.kubeCallSeconds();
      send(response, answer(cluster, request, Buffer.concat(chunks).toString("utf8"), opts, authorizer));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    httpServer: server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
