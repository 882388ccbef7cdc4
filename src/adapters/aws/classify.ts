/**
 * The one place failures are classified (DESIGN §1, §6). SDK v3 errors carry the service's error
 * code in `name`; the simulated region throws errors of the same shape, so these predicates behave
 * the same in AWS and in the sandbox. Adapters ask these questions instead of comparing names, and
 * `isRetryable` alone decides retryable vs terminal for every failure that leaves a step: AWS SDK
 * errors, Kubernetes and etcd HTTP answers (by status), and network errors. The step middleware,
 * the Kubernetes and etcd adapters all defer to it.
 */
import { RetryableError, TerminalError } from "../../core/errors";

interface AwsErrorShape {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

function shape(err: unknown): AwsErrorShape {
  return typeof err === "object" && err !== null ? (err as AwsErrorShape) : {};
}

/** The AWS error code ("ValidationError", "InvalidInstanceID.NotFound", …), or undefined. */
export function awsErrorCode(err: unknown): string | undefined {
  const e = shape(err);
  // Older query-protocol shapes carry the code in `Code`/`code`; SDK v3 puts it in `name`.
  for (const candidate of [e.Code, e.code, e.name]) {
    if (typeof candidate === "string" && candidate !== "" && candidate !== "Error") return candidate;
  }
  return undefined;
}

function messageOf(err: unknown): string {
  const message = shape(err).message;
  return typeof message === "string" ? message : String(err);
}

function statusOf(err: unknown): number | undefined {
  return shape(err).$metadata?.httpStatusCode;
}

const NOT_FOUND_CODES = new Set([
  "ResourceNotFoundException",
  "ResourceNotFound",
  "NotFoundException",
  "NotFound",
  "NoSuchEntity",
  "ParameterNotFound",
  "ExecutionDoesNotExist",
  "StateMachineDoesNotExist",
]);

/** The thing asked about does not exist (or no longer does). */
export function isNotFound(err: unknown): boolean {
  const code = awsErrorCode(err);
  if (code === undefined) return false;
  if (NOT_FOUND_CODES.has(code)) return true;
  // EC2 spells it "<Resource>.NotFound" (InvalidInstanceID.NotFound, InvalidLaunchTemplateId.NotFound…).
  if (/\.NotFound(Exception)?$/.test(code) || code.endsWith(".VersionNotFound")) return true;
  // Auto Scaling answers missing groups and instances with a ValidationError whose message says so.
  return code === "ValidationError" && /\bnot found\b/i.test(messageOf(err));
}

const THROTTLING_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "RequestThrottledError",
  "BandwidthLimitExceeded",
  "SlowDown",
  "PriorRequestNotComplete",
  "EC2ThrottledException",
]);

/** The service asked us to slow down: try again later. */
export function isThrottled(err: unknown): boolean {
  const code = awsErrorCode(err);
  if (code !== undefined && THROTTLING_CODES.has(code)) return true;
  return shape(err).$retryable?.throttling === true || statusOf(err) === 429;
}

const CONFLICT_CODES = new Set([
  "ScalingActivityInProgress",
  "ScalingActivityInProgressFault",
  "ResourceContention",
  "ResourceContentionFault",
  "ResourceInUseException",
  "ResourceInUse",
  "ResourceInUseFault",
  "InstanceRefreshInProgress",
  "ConflictException",
  "TransactionConflictException",
  "IncorrectInstanceState",
]);

/**
 * Another change to the same resource is under way (a scaling activity, an EKS update). Waiting
 * fixes it. ConditionalCheckFailedException is not one of these: it is an answer, see below.
 */
export function isConflict(err: unknown): boolean {
  const code = awsErrorCode(err);
  return code !== undefined && CONFLICT_CODES.has(code);
}

const VALIDATION_CODES = new Set([
  "ValidationError",
  "ValidationException",
  "InvalidParameterValue",
  "InvalidParameterValueException",
  "InvalidParameterException",
  "InvalidParameterCombination",
  "InvalidParameter",
  "InvalidRequestException",
  "InvalidInput",
  "MissingParameter",
  "SerializationException",
  "InvalidArn",
]);

/** The request itself is wrong (bad value, size rule broken): retrying the same request will not help. */
export function isValidation(err: unknown): boolean {
  const code = awsErrorCode(err);
  if (code === undefined) return false;
  return VALIDATION_CODES.has(code) || /\.Malformed$/.test(code);
}

const CAPACITY_CODES = new Set([
  "InsufficientInstanceCapacity",
  "InsufficientCapacity",
  "InsufficientHostCapacity",
  "InsufficientReservedInstanceCapacity",
  "InsufficientCapacityException",
]);

/** EC2 has no capacity for the instance type in that AZ right now. */
export function isInsufficientCapacity(err: unknown): boolean {
  const code = awsErrorCode(err);
  if (code !== undefined && CAPACITY_CODES.has(code)) return true;
  return /insufficient (instance )?capacity/i.test(messageOf(err));
}

/** A DynamoDB condition did not hold: an answer ("someone else holds the lock"), not a failure. */
export function isConditionalCheckFailed(err: unknown): boolean {
  return awsErrorCode(err) === "ConditionalCheckFailedException";
}

const TRANSIENT_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "ECONNABORTED",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * A server-side fault or a broken connection that outlived the SDK's own retries. The workflow's
 * Retry (with its longer backoff) is the right place for another attempt.
 */
export function isTransient(err: unknown): boolean {
  const e = shape(err);
  const code = awsErrorCode(err);
  if (code !== undefined && TRANSIENT_NETWORK_CODES.has(code)) return true;
  if (e.$fault === "server") return true;
  const status = statusOf(err);
  return status !== undefined && status >= 500;
}

/**
 * An HTTP status worth another try: 429 (throttled), 409 (a conflicting change: re-read and retry),
 * 410 (a list's continue token expired: a fresh list works) and 5xx (the server's fault).
 * 400, 401, 403, 404, 422… will answer the same way again.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 409 || status === 410 || status >= 500;
}

/** The HTTP status of a Kubernetes client ApiException (numeric `code`), if the error is one. */
function apiExceptionStatus(err: unknown): number | undefined {
  const code = shape(err).code;
  return typeof code === "number" ? code : undefined;
}

/**
 * The one decision: may the same request succeed if tried again later? Throttling, conflicts,
 * server faults and broken connections: yes. Anything else (a validation error, a permission
 * denied, a bug such as a TypeError): no, and retrying would only delay the report.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof RetryableError) return true;
  if (err instanceof TerminalError) return false;
  if (isThrottled(err) || isConflict(err) || isTransient(err)) return true;
  // fetch wraps a refused or reset connection: TypeError("fetch failed") with the system error as cause.
  if (err instanceof Error && err.cause !== undefined && isTransient(err.cause)) return true;
  const status = apiExceptionStatus(err);
  return status !== undefined && isRetryableStatus(status);
}

/** "ValidationError: New SetDesiredCapacity value 9 is above max value 6" */
export function describeAwsError(err: unknown): string {
  const code = awsErrorCode(err);
  const message = messageOf(err);
  if (code === undefined || message.startsWith(`${code}:`)) return message;
  return `${code}: ${message}`;
}

/**
 * Turns a failure into the workflow's error contract (src/core/errors.ts) as `isRetryable` decides:
 * RetryableError or TerminalError. The message keeps the context and the AWS code so an operator reads
 * "SetDesiredCapacity on demo-workers: ValidationError: …". Errors that are already classified (the
 * named domain errors included) pass through unchanged, so their names reach Step Functions.
 */
export function toStepError(
  err: unknown,
  context: string | undefined,
  describe: (err: unknown) => string = describeAwsError,
): RetryableError | TerminalError {
  if (err instanceof RetryableError || err instanceof TerminalError) return err;
  const message = context ? `${context}: ${describe(err)}` : describe(err);
  return isRetryable(err) ? new RetryableError(message, { cause: err }) : new TerminalError(message, { cause: err });
}
