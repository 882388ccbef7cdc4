/** SDK-shaped service errors, built with the clients' own exception classes. */
import { AutoScalingServiceException } from "@aws-sdk/client-auto-scaling";

export function serviceError(
  name: string,
  message: string,
  opts: { status?: number; fault?: "client" | "server" } = {},
): AutoScalingServiceException {
  const status = opts.status ?? 400;
  return new AutoScalingServiceException({
    name,
    message,
    $fault: opts.fault ?? (status >= 500 ? "server" : "client"),
    $metadata: { httpStatusCode: status },
  });
}
