/**
 * A small Kubernetes API server stand-in on 127.0.0.1: each test decides the answers, and every
 * request is recorded (method, path, query, headers, parsed body) so tests can assert on the wire.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PooledKubeConfig } from "../../../../src/adapters/kube/pooled-kube-config";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface StubResponse {
  status: number;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type StubRoute = (req: RecordedRequest) => StubResponse | undefined;

export class ApiServerStub {
  readonly requests: RecordedRequest[] = [];
  private routes: StubRoute[] = [];
  private server: Server | undefined;
  private opened = 0;
  port = 0;

  /** TCP connections clients opened since the last reset. */
  connections(): number {
    return this.opened;
  }

  on(route: StubRoute): this {
    this.routes.push(route);
    return this;
  }

  reset(): void {
    this.routes = [];
    this.requests.length = 0;
    this.opened = 0;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://stub");
        const text = Buffer.concat(chunks).toString("utf8");
        const recorded: RecordedRequest = {
          method: req.method ?? "GET",
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: text === "" ? undefined : JSON.parse(text),
        };
        this.requests.push(recorded);
        const answer = this.routes.map((r) => r(recorded)).find((a) => a !== undefined) ?? notFound(recorded.path);
        res.writeHead(answer.status, { "content-type": "application/json", ...(answer.headers ?? {}) });
        res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? {}));
      });
    });
    this.server.on("connection", () => {
      this.opened++;
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    // Clients keep their connections alive (PooledKubeConfig): close them, or close() waits for them.
    this.server?.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server?.close((err) => (err ? reject(err) : resolve())));
  }

  kubeConfig(token = "stub-token"): PooledKubeConfig {
    const kc = new PooledKubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "stub", server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true }],
      users: [{ name: "u", token }],
      contexts: [{ name: "stub", cluster: "stub", user: "u" }],
      currentContext: "stub",
    });
    return kc;
  }
}

export function status(code: number, reason: string, message: string): StubResponse {
  return {
    status: code,
    body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code },
  };
}

function notFound(path: string): StubResponse {
  return status(404, "NotFound", `the server could not find the requested resource (${path})`);
}
