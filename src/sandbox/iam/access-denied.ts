/**
 * A refused call as each service answers it. The message is IAM's ("User: <principal> is not authorized to
 * perform: <action> on resource: <arn> because no identity-based policy allows the <action> action"); the
 * code and HTTP status are the service's own:
 *  - Auto Scaling, Elastic Load Balancing v2 and STS (query protocol): `AccessDenied`, 403;
 *  - EC2: `UnauthorizedOperation`, 403, the message prefixed with "You are not authorized to perform this
 *    operation." and followed by an encoded authorization failure message;
 *  - EKS (REST): `AccessDeniedException`, 403;
 *  - DynamoDB, SSM, Secrets Manager, Step Functions (JSON protocol): `AccessDeniedException`, 400.
 * Services without a resource-level ARN for the action leave out "on resource: …", as AWS does.
 */
import { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import { AccessDeniedException as EksAccessDenied } from "@aws-sdk/client-eks";
import { AccessDeniedException as SsmAccessDenied } from "@aws-sdk/client-ssm";
import { awsError, type ServiceId } from "../aws/errors";

export type IamServiceId = ServiceId | "dynamodb";

export function accessDeniedMessage(principal: string, action: string, resource: string): string {
  const on = resource === "*" ? "" : ` on resource: ${resource}`;
  return `User: ${principal} is not authorized to perform: ${action}${on} because no identity-based policy allows the ${action} action`;
}

export function accessDeniedError(service: IamServiceId, principal: string, action: string, resource: string): Error {
  const message = accessDeniedMessage(principal, action, resource);
  const $metadata = { httpStatusCode: 400 };
  switch (service) {
    case "autoscaling":
    case "elasticloadbalancing":
    case "sts":
      return awsError(service, "AccessDenied", message, { status: 403 });
    case "ec2":
      return awsError(
        "ec2",
        "UnauthorizedOperation",
        `You are not authorized to perform this operation. ${message}. Encoded authorization failure message: ${encoded(message)}`,
        { status: 403 },
      );
    case "eks":
      return new EksAccessDenied({ message, $metadata: { httpStatusCode: 403 } });
    case "ssm":
      return new SsmAccessDenied({ message, Message: message, $metadata });
    case "dynamodb":
      return new DynamoDBServiceException({ name: "AccessDeniedException", $fault: "client", message, $metadata });
    default:
      return awsError(service, "AccessDeniedException", message, { status: 400 });
  }
}

/** Stands in for EC2's encoded message (sts:DecodeAuthorizationMessage would decode it): opaque, stable. */
function encoded(message: string): string {
  return Buffer.from(message, "utf8").toString("base64url").slice(0, 64);
}
