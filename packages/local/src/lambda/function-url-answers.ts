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
