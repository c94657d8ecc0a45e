import type { Context } from "aws-lambda";

/**
 * A Lambda `Context` for a handler invoked in-process. The deadline is what
 * `getRemainingTimeInMillis()` counts down to, so handlers that budget their
 * upstream calls on it behave as in Lambda.
 */
export function createLambdaContext(options: {
  functionName: string;
  requestId: string;
  timeoutMs: number;
  region: string;
  accountId: string;
}): Context {
  const deadline = Date.now() + options.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: options.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${options.functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: options.requestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
