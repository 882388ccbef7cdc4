/** The core's Log port on a Powertools for AWS Lambda Logger (structured JSON lines in CloudWatch). */
import { Logger } from "@aws-lambda-powertools/logger";
import type { Log } from "../core/ports";

export const DEFAULT_SERVICE_NAME = "tugboat";

export function powertoolsLog(logger: Logger = new Logger({ serviceName: DEFAULT_SERVICE_NAME })): Log {
  return {
    info: (message, attributes) => logger.info(message, attributes ?? {}),
    warn: (message, attributes) => logger.warn(message, attributes ?? {}),
    error: (message, attributes) => logger.error(message, attributes ?? {}),
  };
}
