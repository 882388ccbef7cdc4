/**
 * A GET whose answer is parsed with JSON.parse alone, for the large lists the roll reads every tick
 * (every node, the pods of a node). The generated client's ObjectSerializer walks each object field
 * by field against its model, turning timestamps into Dates: on a 5,000-node list that costs many
 * times the parse itself. The request goes out exactly as the client's would: the KubeConfig applies
 * its server, credentials, TLS settings and (PooledKubeConfig) its kept-alive connections. Failures
 * take the shape of the client's ApiException (numeric `code`, Status text in `body`, `headers`) so
 * that kube-errors.ts reads both alike.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

export class KubeHttpError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    readonly headers: Record<string, string>,
  ) {
    super(`HTTP-Code: ${code} Message: ${body.slice(0, 200)}`);
    this.name = "KubeHttpError";
  }
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** GETs `path` (with its query) from the config's current cluster and parses the JSON answer. */
export async function getJson<T>(kc: KubeConfig, path: string): Promise<T> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error("the kubeconfig names no cluster server for its current context");
  const opts: RequestOptions = { method: "GET", headers: {} };
  await kc.applyToHTTPSOptions(opts);
  opts.headers = { ...opts.headers, Accept: "application/json" };
  // The server may carry a path prefix (an authenticating proxy in front of the API server).
  const url = new URL(`${server.replace(/\/+$/, "")}${path}`);
  const send = url.protocol === "http:" ? httpRequest : httpsRequest;
  return new Promise<T>((resolve, reject) => {
    const req = send(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          reject(new KubeHttpError(status, text, flatHeaders(res.headers)));
          return;
        }
        try {
          resolve(JSON.parse(text) as T);
        } catch (error) {
          reject(new Error(`the API server answered GET ${url.pathname} with text that is not JSON: ${String(error)}`));
        }
      });
    });
    req.on("error", reject);
    req.end();
  });
}
