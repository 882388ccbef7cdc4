/**
 * A KubeConfig whose requests share one connection pool. @kubernetes/client-node 1.x builds a new
 * http(s).Agent for every request (KubeConfig.applySecurityAuthentication), so every call opens a
 * new connection and, against EKS, pays a TLS handshake. A KubeConfig names one cluster, one user and
 * one set of TLS options for its lifetime, so one agent with the options of the first it builds, and
 * keep-alive on (a new Agent closes its sockets after each request by default), serves every request.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { KubeConfig } from "@kubernetes/client-node";

type RequestContext = Parameters<KubeConfig["applySecurityAuthentication"]>[0];
type Agent = HttpAgent | HttpsAgent;
type HttpsOptions = Parameters<KubeConfig["applyToHTTPSOptions"]>[0];

export class PooledKubeConfig extends KubeConfig {
  private agent: Agent | undefined;

  /**
   * Requests to the server go through `agent` rather than one built from the config's TLS options (the
   * sandbox's in-process API servers, src/sandbox/in-process-agent.ts). Set once, before any request.
   */
  connectThrough(agent: Agent | undefined): this {
    if (agent) this.agent = agent;
    return this;
  }

  private pooled(built: Agent | undefined): Agent | undefined {
    if (!built || built === this.agent) return this.agent;
    // Proxy agents (a proxy-url in the kubeconfig) are the client's business: left as built.
    if (built.constructor !== HttpAgent && built.constructor !== HttpsAgent) return built;
    if (!this.agent) {
      const { options } = built as unknown as { options: object };
      const AgentClass = built.constructor as new (options: object) => Agent;
      this.agent = new AgentClass({ ...options, keepAlive: true });
    }
    built.destroy();
    return this.agent;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const agent = this.pooled(context.getAgent());
    if (agent) context.setAgent(agent);
  }

  override async applyToHTTPSOptions(opts: HttpsOptions): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    const withAgent = opts as { agent?: unknown };
    const agent = this.pooled(withAgent.agent ? (withAgent.agent as Agent) : undefined);
    if (agent) withAgent.agent = agent;
  }
}
