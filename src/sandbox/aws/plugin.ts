/**
 * Puts the simulated region under the real AWS SDK v3 clients. A `deserialize`-step middleware of
 * high priority sits below the client's retry middleware and above the HTTP handler: it answers from
 * the region and skips the network and protocol parsing, while everything above it (input
 * middleware, endpoint resolution, signing, the retry strategy) runs as in AWS. A thrown
 * `Throttling`/`ThrottlingException`/`RequestLimitExceeded` is therefore retried by the SDK itself.
 */

import type { Pluggable, RetryStrategyV2 } from "@smithy/types";
import { VirtualBackoffRetryStrategy } from "../timing/virtual-retry";
import { STEP_CREDENTIALS } from "./identities";
import type { SimulatedRegion } from "./region";

export const SANDBOX_MIDDLEWARE_NAME = "tugboatSandbox";

// biome-ignore lint/suspicious/noExplicitAny: the plugin serves every client's input and output types.
type AnyPluggable = Pluggable<any, any>;

export function sandboxPlugin(
  region: SimulatedRegion,
  service: string,
  onCall?: (command: string) => void,
): AnyPluggable {
  return {
    applyToStack(stack) {
      stack.add(
        (_next, context) => async (args) => {
          const commandName = String(context.commandName ?? "UnknownCommand");
          onCall?.(commandName);
          const output = await region.handle(service, commandName, args.input);
          return {
            output: { $metadata: { httpStatusCode: 200, requestId: region.requestId() }, ...output },
            response: { statusCode: 200, headers: {}, body: undefined },
          };
        },
        { step: "deserialize", priority: "high", name: SANDBOX_MIDDLEWARE_NAME, override: true },
      );
    },
  };
}

export interface SandboxClientConfig {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  retryStrategy: RetryStrategyV2;
}

/**
 * Client configuration for the sandbox: static fake credentials, the scenario's region, and a retry
 * strategy that retries like the SDK's standard one but never sleeps in real time (the simulated
 * services answer instantly; virtual time is the runner's to move). The wait each retry would have
 * slept is charged to the call on the virtual clock by the call meter (meterPlugin), if any.
 */
export function sandboxClientConfig(
  region: SimulatedRegion | string,
  options: { maxAttempts?: number } = {},
): SandboxClientConfig {
  return {
    region: typeof region === "string" ? region : region.regionName,
    credentials: { ...STEP_CREDENTIALS },
    retryStrategy: new VirtualBackoffRetryStrategy(options.maxAttempts ?? 5),
  };
}
