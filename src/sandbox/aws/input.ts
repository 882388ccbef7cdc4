/**
 * Reading command input the way the services validate it. The SDK sends whatever it is given, so
 * the simulator checks required members and types itself and answers in each service's words.
 */
import { awsError, type ServiceId } from "./errors";

// biome-ignore lint/suspicious/noExplicitAny: command input arrives untyped from the SDK middleware.
export type CommandInput = Record<string, any>;

const camel = (field: string) => field.charAt(0).toLowerCase() + field.slice(1);

export function missingParameter(service: ServiceId, field: string): Error {
  switch (service) {
    case "ec2":
      return awsError("ec2", "MissingParameter", `The request must contain the parameter ${field}`);
    case "eks":
    case "secretsmanager":
      return awsError(service, "InvalidParameterException", `${field} must be specified.`);
    case "ssm":
    case "sfn":
      return awsError(
        service,
        "ValidationException",
        `1 validation error detected: Value null at '${camel(field)}' failed to satisfy constraint: Member must not be null`,
      );
    default:
      return awsError(
        service,
        "ValidationError",
        `1 validation error detected: Value null at '${camel(field)}' failed to satisfy constraint: Member must not be null`,
      );
  }
}

export function requireString(service: ServiceId, input: CommandInput, field: string): string {
  const value = input[field];
  if (typeof value !== "string" || value === "") throw missingParameter(service, field);
  return value;
}

export function optionalString(input: CommandInput, field: string): string | undefined {
  const value = input[field];
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function requireBoolean(service: ServiceId, input: CommandInput, field: string): boolean {
  const value = input[field];
  if (typeof value !== "boolean") throw missingParameter(service, field);
  return value;
}

/** A non-negative integer member, or undefined when absent. */
export function optionalCount(service: ServiceId, input: CommandInput, field: string): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw awsError(
      service,
      service === "autoscaling"
        ? "ValidationError"
        : service === "ec2"
          ? "InvalidParameterValue"
          : "InvalidParameterException",
      `1 validation error detected: Value '${String(value)}' at '${camel(field)}' failed to satisfy constraint: Member must have value greater than or equal to 0`,
    );
  }
  return value;
}

export function stringList(input: CommandInput, field: string): string[] | undefined {
  const value = input[field];
  if (!Array.isArray(value)) return undefined;
  return value.filter((item): item is string => typeof item === "string");
}

/** A page size within the service's bounds; `fallback` when absent. */
export function pageSize(
  service: ServiceId,
  input: CommandInput,
  field: string,
  bounds: { min: number; max: number; fallback: number },
): number {
  const value = input[field];
  if (value === undefined || value === null) return bounds.fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw awsError(
      service,
      service === "autoscaling"
        ? "ValidationError"
        : service === "ec2"
          ? "InvalidParameterValue"
          : "InvalidParameterException",
      `1 validation error detected: Value '${String(value)}' at '${camel(field)}' failed to satisfy constraint: Member must have value between ${bounds.min} and ${bounds.max}`,
    );
  }
  return value;
}
