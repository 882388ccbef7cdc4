/**
 * One JSON request over node:http or node:https with a deadline. Any answer, whatever its status,
 * is returned; only a transport failure (refused, reset, timed out) throws.
 */
import { type Agent as HttpAgent, request as httpRequest } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";

export interface JsonResponse {
  status: number;
  body: unknown;
}

export function requestJson(
  url: string,
  options: { method: "GET" | "POST"; body?: unknown; agent?: HttpAgent | HttpsAgent; timeoutMs: number },
): Promise<JsonResponse> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method,
        agent: options.agent,
        headers: payload
          ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) }
          : undefined,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = text === "" ? undefined : JSON.parse(text);
          } catch {
            // Not JSON (a proxy's error page, say): the caller sees the text.
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.setTimeout(options.timeoutMs, () =>
      req.destroy(new Error(`no answer from ${target.origin} within ${options.timeoutMs} ms`)),
    );
    req.on("error", reject);
    req.end(payload);
  });
}
