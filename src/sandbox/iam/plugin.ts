/**
 * Puts IAM under the real SDK clients of one role: an `initialize`-step middleware that authorizes the
 * command (once per call, before the client's retries, as a refused call is not retried) and throws the
 * service's access-denied error when the role's policy does not allow it.
 */
import type { AwsPlugin } from "../../adapters/deps";
import type { IamServiceId } from "./access-denied";
import type { IamEnforcer } from "./enforcer";

export const IAM_MIDDLEWARE_NAME = "tugboatSandboxIam";

export function iamPlugin(enforcer: IamEnforcer, role: string, service: IamServiceId): AwsPlugin {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          await enforcer.authorize(role, service, String(context.commandName ?? "UnknownCommand"), args.input);
          return next(args);
        },
        { step: "initialize", priority: "high", name: IAM_MIDDLEWARE_NAME, override: true },
      );
    },
  };
}
