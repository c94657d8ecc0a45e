import { mapFunctionUrlResult } from "../edge/function-url-event.ts";
import type { InvokeResult } from "./pool.ts";

/**
 * What a Lambda function URL answers when an invocation gives it no usable
 * response: the function was throttled, threw, timed out, or returned
 * something that is not a response.
 */

/** An HTTP answer a local front door (edge, gateway) sends as is. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The pool's failed outcomes, plus a result the front door could not read as a response. */
export type FunctionUrlFailure = "throttled" | "error" | "timeout" | "invalid-response";

/**
 * Past the function's reserved concurrency, Lambda refuses a synchronous
 * invocation at once with `TooManyRequestsException` (429); a function URL
 * is throttled by the same reserved concurrency. The body is the Invoke
 * API's error shape for a function-level limit.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (Errors: TooManyRequestsException, 429)
 * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-throttling
 */
const throttled: HttpAnswer = {
  status: 429,
  headers: { "content-type": "application/json", "x-amzn-ErrorType": "TooManyRequestsException" },
  body: JSON.stringify({ Reason: "ReservedFunctionConcurrentInvocationLimitExceeded", Type: "User", message: "Rate Exceeded." }),
};

/**
 * A function error (thrown, init failure, crash), a timeout (Lambda reports
 * it as a function error, `Sandbox.Timedout`) and an unreadable result all
 * reach the client as a 502 whose body is the text `Internal Server Error`.
 * The status and body are checked against AWS by LocalStack's validated test
 * `TestLambdaURL.test_lambda_url_invocation_exception`; the content type is
 * not documented.
 *
 * @see https://github.com/localstack/localstack/blob/main/tests/aws/services/lambda_/test_lambda.py
 */
const badGateway: HttpAnswer = {
  status: 502,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body: "Internal Server Error",
};

/**
 * The function URL's answer for an invocation that failed.
 *
 * @example
 * const result = await pool.invoke(event);
 * if (result.outcome !== "success") return send(res, functionUrlAnswer(result.outcome));
 */
export function functionUrlAnswer(failure: FunctionUrlFailure): HttpAnswer {
  return failure === "throttled" ? throttled : badGateway;
}

/** An invocation's outcome as a function URL sends it: status, header lines (cookies as `set-cookie`) and body. */
export interface FunctionUrlResponse {
  readonly status: number;
  readonly headers: Array<[string, string]>;
  readonly body: string | Buffer;
  /** The function's error type when it threw (for a log line; never its message). */
  readonly errorType?: string;
}

/**
 * What a function URL answers for one invocation: the handler's response
 * (payload 2.0, cookies as `Set-Cookie` lines), or its answer for a
 * throttled, failed, timed-out or unreadable one; `x-amzn-requestid` on both.
 */
export function functionUrlResponse(result: InvokeResult, requestId: string): FunctionUrlResponse {
  const id: [string, string] = ["x-amzn-requestid", requestId];
  if (result.outcome === "success") {
    try {
      const mapped = mapFunctionUrlResult(result.payload);
      return {
        status: mapped.statusCode,
        headers: [
          ...mapped.headers.map(([name, value]): [string, string] => [name, value]),
          ...mapped.cookies.map((cookie): [string, string] => ["set-cookie", cookie]),
          id,
        ],
        body: mapped.body,
      };
    } catch {
      // Falls through to the answer for a response a function URL cannot send.
    }
  }
  const answer = functionUrlAnswer(result.outcome === "success" ? "invalid-response" : result.outcome);
  return {
    status: answer.status,
    headers: [...Object.entries(answer.headers), id],
    body: answer.body,
    ...(result.outcome === "error" ? { errorType: result.error.errorType } : {}),
  };
}
