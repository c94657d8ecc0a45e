/**
 * What API Gateway (REST API, Lambda proxy integration, REQUEST authorizer)
 * answers when a Lambda function behind it gives no usable response. These
 * are API Gateway's default gateway responses; the stacks do not customize
 * them.
 */
import type { HttpAnswer } from "./function-url-answers.ts";

/** The pool's failed outcomes, plus a result that is not a proxy response. */
export type IntegrationFailure = "throttled" | "error" | "timeout" | "invalid-response";

/** An authorizer invocation that gave no policy; `error` keeps the message, because "Unauthorized" means 401. */
export type AuthorizerFailure =
  | { readonly outcome: "throttled" | "timeout" | "invalid-response" }
  | { readonly outcome: "error"; readonly error: { readonly errorMessage: string } };

const internalServerError = JSON.stringify({ message: "Internal server error" });

/**
 * "API Gateway treats all invocation and function errors as internal errors.
 * If the Lambda API rejects the invocation request, API Gateway returns a 500
 * error code. If the function runs but returns an error, or returns a
 * response in the wrong format, API Gateway returns a 502." A throttle is a
 * rejected invocation (500: API Gateway does not pass Lambda's 429 on); a
 * function timeout shorter than the 29 s integration timeout is a function
 * error (502).
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html
 * @see https://repost.aws/questions/QUfI6bsdd0SOiPeyimzxSkfQ (a throttled function reaches the client as 500)
 */
export function integrationAnswer(failure: IntegrationFailure): HttpAnswer {
  return {
    status: failure === "throttled" ? 500 : 502,
    headers: { "content-type": "application/json", "x-amzn-ErrorType": "InternalServerErrorException" },
    body: internalServerError,
  };
}

/**
 * An authorizer that throws exactly `Unauthorized` gets the 401 gateway
 * response; any other failure of the authorizer function (another error, a
 * timeout, a throttle, a result that is not a policy) is the 500 gateway
 * response with a null message (AUTHORIZER_CONFIGURATION_ERROR /
 * AUTHORIZER_FAILURE).
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 * @see https://github.com/awslabs/aws-jwt-verify (README, REST API authorizer: "API Gateway wants this *exact* error message")
 */
export function authorizerAnswer(failure: AuthorizerFailure): HttpAnswer {
  if (failure.outcome === "error" && failure.error.errorMessage === "Unauthorized") {
    return {
      status: 401,
      headers: { "content-type": "application/json", "x-amzn-ErrorType": "UnauthorizedException" },
      body: JSON.stringify({ message: "Unauthorized" }),
    };
  }
  return {
    status: 500,
    headers: { "content-type": "application/json", "x-amzn-ErrorType": "AuthorizerConfigurationException" },
    body: JSON.stringify({ message: null }),
  };
}
