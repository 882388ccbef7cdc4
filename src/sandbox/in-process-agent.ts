/**
 * Connections to the sandbox's own HTTP servers (the simulated Kubernetes API servers, dynalite) as
 * in-memory pipes instead of loopback TCP. Both ends still speak HTTP/1.1 through node:http: the
 * client side is the same Agent machinery the adapters use against AWS (keep-alive pool, request
 * serialization, response parsing), the server side the same http.Server and request listener. What
 * goes is the kernel: a sandbox run sends some 15,000 requests, and on loopback each one cost two
 * socket writes, two reads and their system calls (about a tenth of a run's CPU, in the measure of
 * bench/README.md).
 */
import { Agent, type AgentOptions, type Server } from "node:http";
import type { Socket } from "node:net";
import { type Duplex, duplexPair } from "node:stream";

/** What node:http calls on a socket beyond the stream: TCP options and addresses, here without a kernel. */
function asSocket(side: Duplex, port: number): Socket {
  const socket = side as Duplex & Partial<Socket> & Record<string, unknown>;
  const self = () => socket as Socket;
  socket.setNoDelay = self;
  socket.setKeepAlive = self;
  // Idle timeouts close kept-alive TCP connections; a pipe holds no resource until the sandbox closes.
  socket.setTimeout = self;
  socket.ref = self;
  socket.unref = self;
  Object.assign(socket, {
    remoteAddress: "127.0.0.1",
    remotePort: port,
    remoteFamily: "IPv4",
    localAddress: "127.0.0.1",
    localPort: port,
    encrypted: false,
    connecting: false,
    address: () => ({ address: "127.0.0.1", family: "IPv4", port }),
    destroySoon() {
      if (socket.writableFinished) socket.destroy();
      else {
        socket.once("finish", () => socket.destroy());
        socket.end();
      }
    },
  });
  return socket as Socket;
}

/** An http.Agent (keep-alive) whose every connection is a pipe into `server`. */
export class InProcessAgent extends Agent {
  private readonly pipes = new Set<Duplex>();

  constructor(
    private readonly server: Server,
    private readonly port: number,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, ...options });
  }

  override createConnection(): Duplex {
    const [client, served] = duplexPair();
    for (const side of [client, served]) {
      asSocket(side, this.port);
      this.pipes.add(side);
      side.once("close", () => this.pipes.delete(side));
    }
    // A pipe has no close of its own: the end that closes first takes the other with it.
    client.once("close", () => served.destroy());
    served.once("close", () => client.destroy());
    this.server.emit("connection", served);
    return client;
  }

  override destroy(): void {
    super.destroy();
    for (const pipe of [...this.pipes]) pipe.destroy();
  }
}

/** The sandbox's servers by origin ("http://127.0.0.1:PORT"), and one agent for each. */
export class InProcessServers {
  private readonly agents = new Map<string, InProcessAgent>();

  add(url: string, server: Server): void {
    const origin = new URL(url).origin;
    this.agents.set(origin, new InProcessAgent(server, Number(new URL(url).port)));
  }

  /** The agent that reaches `url`'s server in this process; undefined for anything else. */
  agentFor(url: string): Agent | undefined {
    try {
      return this.agents.get(new URL(url).origin);
    } catch {
      return undefined;
    }
  }

  remove(url: string): void {
    const origin = new URL(url).origin;
    this.agents.get(origin)?.destroy();
    this.agents.delete(origin);
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
