/**
 * The simulated Kubernetes API server: node:http on 127.0.0.1 (port chosen by the OS), JSON only,
 * bearer-token authentication. The production kube adapter reaches it through
 * @kubernetes/client-node exactly as it reaches EKS. Requests are answered synchronously against
 * the cluster's store; virtual time moves only when the sandbox advances the clock.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { route } from "./api/router";
import type { ApiRequest, ApiResponse } from "./api/types";
import type { SimulatedCluster } from "./cluster";
import { badRequest, failure } from "./render/status";

export interface KubeApiServer {
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

export interface KubeApiServerOptions {
  /** When set, only this bearer token is accepted; otherwise any non-empty bearer token is. */
  token?: string;
}

function unauthorized(): ApiResponse {
  return { status: 401, body: failure(401, "Unauthorized", "Unauthorized") };
}

function authorized(request: IncomingMessage, options: KubeApiServerOptions): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
  if (!match) return false;
  return options.token === undefined || match[1] === options.token;
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
): ApiResponse {
  if (!authorized(request, options)) return unauthorized();
  const parsed = parseBody(raw);
  if ("error" in parsed) return parsed.error;
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const apiRequest: ApiRequest = {
    method: (request.method ?? "GET").toUpperCase(),
    path: url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname,
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
  const payload = JSON.stringify(result.body);
  response.writeHead(result.status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(payload),
    "Cache-Control": "no-cache, private",
  });
  response.end(payload);
}

export async function startKubeApiServer(
  cluster: SimulatedCluster,
  opts: KubeApiServerOptions = {},
): Promise<KubeApiServer> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      cluster.state.apiCalls += 1;
      cluster.state.apiCallSeconds += cluster.state.timing.kubeCallSeconds();
      send(response, answer(cluster, request, Buffer.concat(chunks).toString("utf8"), opts));
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
