/**
 * The Slack endpoint (a Lambda function URL): Slack's signed request in, an answer within three
 * seconds out. Everything is decided in src/core/chatops/handle-request.ts.
 */
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { handleSlackRequest } from "../../src/core/chatops/handle-request";
import { currentChatOpsDeps } from "./lib/runtime";

export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const deps = currentChatOpsDeps();
  const response = await handleSlackRequest(deps, {
    headers: event.headers ?? {},
    body: event.body ?? "",
    isBase64Encoded: event.isBase64Encoded === true,
  });
  return { statusCode: response.status, headers: response.headers, body: response.body };
}
