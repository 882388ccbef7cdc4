/**
 * Errors shaped like the ones the AWS SDK v3 hands to callers. Where the service model declares the
 * error, the SDK's own exception class is used, so `name`, `instanceof` and extra fields match what a
 * real call produces (Auto Scaling's `ScalingActivityInProgress` code, for instance, surfaces as
 * `ScalingActivityInProgressFault`, as the SDK's deserializer maps it). Undeclared codes
 * (`ValidationError`, `Throttling`, every EC2 error) become the service's base exception with
 * `name` set to the code, which is also what the SDK does.
 */

import {
  AlreadyExistsFault,
  AutoScalingServiceException,
  InvalidNextToken,
  LimitExceededFault,
  ResourceContentionFault,
  ResourceInUseFault,
  ScalingActivityInProgressFault,
} from "@aws-sdk/client-auto-scaling";
import { EC2ServiceException } from "@aws-sdk/client-ec2";
import {
  EKSServiceException,
  InvalidParameterException as EksInvalidParameterException,
  InvalidRequestException as EksInvalidRequestException,
  ResourceInUseException as EksResourceInUseException,
  ResourceNotFoundException as EksResourceNotFoundException,
  ThrottlingException as EksThrottlingException,
} from "@aws-sdk/client-eks";
import {
  DuplicateListenerException,
  DuplicateLoadBalancerNameException,
  DuplicateTargetGroupNameException,
  ElasticLoadBalancingV2ServiceException,
  ResourceInUseException as ElbResourceInUseException,
  InvalidConfigurationRequestException,
  InvalidTargetException,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  SubnetNotFoundException,
  TargetGroupNotFoundException,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  InvalidParameterException as SecretsInvalidParameterException,
  InvalidRequestException as SecretsInvalidRequestException,
  SecretsManagerServiceException,
  ResourceNotFoundException as SecretsResourceNotFoundException,
} from "@aws-sdk/client-secrets-manager";
import { ExecutionDoesNotExist, InvalidArn, SFNServiceException } from "@aws-sdk/client-sfn";
import {
  ParameterNotFound,
  SSMServiceException,
  ThrottlingException as SsmThrottlingException,
} from "@aws-sdk/client-ssm";
import type { AwsServiceName } from "../../adapters/deps";

/** The services the simulated region answers: those Tugboat's clients call (src/adapters/deps.ts). */
export type ServiceId = AwsServiceName;

export type Fault = "client" | "server";

// biome-ignore lint/suspicious/noExplicitAny: SDK exception constructors take per-class option types.
type ExceptionClass = new (options: any) => Error;

/** Error codes the service models declare, mapped to the SDK class the deserializer would build. */
const DECLARED: Record<ServiceId, Record<string, ExceptionClass>> = {
  autoscaling: {
    ScalingActivityInProgress: ScalingActivityInProgressFault,
    ResourceContention: ResourceContentionFault,
    ResourceInUse: ResourceInUseFault,
    LimitExceeded: LimitExceededFault,
    AlreadyExists: AlreadyExistsFault,
    InvalidNextToken,
  },
  ec2: {},
  eks: {
    InvalidParameterException: EksInvalidParameterException,
    InvalidRequestException: EksInvalidRequestException,
    ResourceInUseException: EksResourceInUseException,
    ResourceNotFoundException: EksResourceNotFoundException,
    ThrottlingException: EksThrottlingException,
  },
  // ELBv2 speaks the query protocol: its codes drop the SDK classes' "Exception" suffix.
  elasticloadbalancing: {
    LoadBalancerNotFound: LoadBalancerNotFoundException,
    TargetGroupNotFound: TargetGroupNotFoundException,
    ListenerNotFound: ListenerNotFoundException,
    DuplicateLoadBalancerName: DuplicateLoadBalancerNameException,
    DuplicateTargetGroupName: DuplicateTargetGroupNameException,
    DuplicateListener: DuplicateListenerException,
    ResourceInUse: ElbResourceInUseException,
    SubnetNotFound: SubnetNotFoundException,
    InvalidTarget: InvalidTargetException,
    InvalidConfigurationRequest: InvalidConfigurationRequestException,
  },
  ssm: { ParameterNotFound, ThrottlingException: SsmThrottlingException },
  secretsmanager: {
    ResourceNotFoundException: SecretsResourceNotFoundException,
    InvalidParameterException: SecretsInvalidParameterException,
    InvalidRequestException: SecretsInvalidRequestException,
  },
  sfn: { ExecutionDoesNotExist, InvalidArn },
  sts: {},
};

/** STS is reached through credential providers only; its client is not a dependency, so a plain shape. */
class StsServiceError extends Error {
  $fault: Fault;
  $metadata: { httpStatusCode: number };
  constructor(options: { name: string; $fault: Fault; message: string; $metadata: { httpStatusCode: number } }) {
    super(options.message);
    this.name = options.name;
    this.$fault = options.$fault;
    this.$metadata = options.$metadata;
  }
}

const BASE: Record<ServiceId, ExceptionClass> = {
  autoscaling: AutoScalingServiceException,
  ec2: EC2ServiceException,
  eks: EKSServiceException,
  elasticloadbalancing: ElasticLoadBalancingV2ServiceException,
  ssm: SSMServiceException,
  secretsmanager: SecretsManagerServiceException,
  sfn: SFNServiceException,
  sts: StsServiceError,
};

/** Query-protocol services (XML errors) also expose `Code` and `Type` on the error, as the SDK does. */
const QUERY_PROTOCOL = new Set<ServiceId>(["autoscaling", "ec2", "elasticloadbalancing", "sts"]);

export interface AwsErrorOptions {
  status?: number;
  fault?: Fault;
  /** Extra members the service returns with the error (EKS: clusterName, nodegroupName…). */
  fields?: Record<string, unknown>;
}

/** An error as the SDK would raise it for `code` from `service`. */
export function awsError(service: ServiceId, code: string, message: string, options: AwsErrorOptions = {}): Error {
  const status = options.status ?? 400;
  const fault = options.fault ?? (status >= 500 ? "server" : "client");
  const $metadata = { httpStatusCode: status };
  const Declared = DECLARED[service][code];
  const error = Declared
    ? new Declared({ message, $metadata, ...options.fields })
    : new BASE[service]({ name: code, $fault: fault, message, $metadata, ...options.fields });
  if (QUERY_PROTOCOL.has(service)) {
    Object.assign(error, { Code: code, Type: fault === "client" ? "Sender" : "Receiver" });
  }
  return error;
}

/** Each service's answer to a caller over its request rate. */
export function throttlingError(service: ServiceId): Error {
  switch (service) {
    case "autoscaling":
    case "elasticloadbalancing":
    case "sts":
      return awsError(service, "Throttling", "Rate exceeded");
    case "ec2":
      // EC2 answers RequestLimitExceeded with HTTP 503.
      return awsError(service, "RequestLimitExceeded", "Request limit exceeded.", { status: 503, fault: "server" });
    case "eks":
      return awsError(service, "ThrottlingException", "Rate exceeded", { status: 429 });
    default:
      return awsError(service, "ThrottlingException", "Rate exceeded");
  }
}

/** Auto Scaling reports most client mistakes as ValidationError. */
export function asgValidation(message: string): Error {
  return awsError("autoscaling", "ValidationError", message);
}

export function asgGroupNotFound(name: string): Error {
  return asgValidation(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
}

export function elbError(code: string, message: string): Error {
  return awsError("elasticloadbalancing", code, message);
}

export function ec2Error(code: string, message: string): Error {
  return awsError("ec2", code, message);
}

export function eksError(code: string, message: string, fields?: Record<string, unknown>): Error {
  const status = code === "ResourceNotFoundException" ? 404 : code === "ResourceInUseException" ? 409 : 400;
  return awsError("eks", code, message, { status, fields });
}

/** A command the sandbox does not simulate: said plainly, so the gap is found at once. */
export function unsupportedCommand(service: string, command: string): Error {
  const error = new Error(
    `The sandbox region does not simulate ${service}:${command}. Add it to src/sandbox/aws or call a simulated command.`,
  );
  error.name = "UnsupportedOperation";
  Object.assign(error, { $fault: "client", $metadata: { httpStatusCode: 400 } });
  return error;
}
