import { describe, expect, it } from "vitest";
import { authorizerAnswer, integrationAnswer } from "./api-gateway-answers.ts";
import { functionUrlAnswer } from "./function-url-answers.ts";

describe("functionUrlAnswer", () => {
  it("answers a throttle with 429 and Lambda's TooManyRequestsException for a reserved-concurrency limit", () => {
    const answer = functionUrlAnswer("throttled");
    expect(answer.status).toBe(429);
    expect(answer.headers).toMatchObject({ "content-type": "application/json", "x-amzn-ErrorType": "TooManyRequestsException" });
    expect(JSON.parse(answer.body)).toEqual({
      Reason: "ReservedFunctionConcurrentInvocationLimitExceeded",
      Type: "User",
      message: "Rate Exceeded.",
    });
  });

  it.each(["error", "timeout", "invalid-response"] as const)("answers %s with 502 Internal Server Error", (failure) => {
    expect(functionUrlAnswer(failure)).toMatchObject({ status: 502, body: "Internal Server Error" });
  });
});

describe("integrationAnswer (REST API, Lambda proxy integration)", () => {
  it("answers a throttled function with 500, not 429: the invocation was rejected", () => {
    expect(integrationAnswer("throttled")).toEqual({
      status: 500,
      headers: { "content-type": "application/json", "x-amzn-ErrorType": "InternalServerErrorException" },
      body: '{"message":"Internal server error"}',
    });
  });

  it.each(["error", "timeout", "invalid-response"] as const)("answers %s with 502 Internal server error", (failure) => {
    expect(integrationAnswer(failure)).toMatchObject({ status: 502, body: '{"message":"Internal server error"}' });
  });
});

describe("authorizerAnswer (REQUEST authorizer)", () => {
  it("answers an authorizer that throws exactly Unauthorized with 401", () => {
    expect(authorizerAnswer({ outcome: "error", error: { errorMessage: "Unauthorized" } })).toEqual({
      status: 401,
      headers: { "content-type": "application/json", "x-amzn-ErrorType": "UnauthorizedException" },
      body: '{"message":"Unauthorized"}',
    });
  });

  it.each([
    { outcome: "error", error: { errorMessage: "unauthorized" } },
    { outcome: "error", error: { errorMessage: "jwks unavailable" } },
    { outcome: "throttled" },
    { outcome: "timeout" },
    { outcome: "invalid-response" },
  ] as const)("answers any other failure ($outcome) with 500 and a null message", (failure) => {
    expect(authorizerAnswer(failure)).toEqual({
      status: 500,
      headers: { "content-type": "application/json", "x-amzn-ErrorType": "AuthorizerConfigurationException" },
      body: '{"message":null}',
    });
  });
});
