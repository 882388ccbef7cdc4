/** HTTP through in-memory pipes: the same requests and answers as over loopback TCP, without a socket. */
import { createServer, request, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { InProcessAgent, InProcessServers } from "../../../src/sandbox/in-process-agent";

let server: Server | undefined;

afterEach(() => {
  server?.close();
  server = undefined;
});

function send(agent: InProcessAgent, path: string, body = ""): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: 1, path, method: body ? "POST" : "GET", agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("InProcessAgent", () => {
  it("carries requests and answers of any size to a server that never listens, keeping its connections", async () => {
    let connections = 0;
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const got = Buffer.concat(chunks).toString("utf8");
        res.writeHead(req.url === "/missing" ? 404 : 200, { "Content-Type": "text/plain" });
        res.end(`${req.method} ${req.url} ${got.length} ${got.slice(-3)}`);
      });
    });
    server.on("connection", () => connections++);
    const agent = new InProcessAgent(server, 4242);
    const big = `${"x".repeat(3_000_000)}end`;
    expect(await send(agent, "/a")).toEqual({ status: 200, text: "GET /a 0 " });
    expect(await send(agent, "/big", big)).toEqual({ status: 200, text: `POST /big ${big.length} end` });
    expect(await send(agent, "/missing")).toEqual({ status: 404, text: "GET /missing 0 " });
    // One after another: one kept-alive connection. Side by side: one each.
    expect(connections).toBe(1);
    const answers = await Promise.all([send(agent, "/x"), send(agent, "/y"), send(agent, "/z")]);
    expect(answers.map((a) => a.text)).toEqual(["GET /x 0 ", "GET /y 0 ", "GET /z 0 "]);
    expect(connections).toBe(3);
    agent.destroy();
  });

  it("finds the agent of a registered origin only", () => {
    server = createServer();
    const servers = new InProcessServers();
    servers.add("http://127.0.0.1:5555", server);
    expect(servers.agentFor("http://127.0.0.1:5555/api/v1/nodes")).toBeInstanceOf(InProcessAgent);
    expect(servers.agentFor("http://127.0.0.1:5556")).toBeUndefined();
    expect(servers.agentFor("https://eks.example.com")).toBeUndefined();
    expect(servers.agentFor("not a url")).toBeUndefined();
    servers.close();
    expect(servers.agentFor("http://127.0.0.1:5555")).toBeUndefined();
  });
});
