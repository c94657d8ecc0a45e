import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createLogger } from "../log.ts";
import { createHttpFunction, deadlineMarginMs, type HttpScope } from "./http-function.ts";
import type { HttpResponse } from "./response.ts";

function eventFor(path: string): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: {},
    requestContext: { http: { method: "GET", path } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

function contextWith(remainingMs: number): Context {
  return { awsRequestId: "req-1", getRemainingTimeInMillis: () => remainingMs } as unknown as Context;
}

describe("createHttpFunction", () => {
  const never = new Promise<HttpResponse>(() => {});
  const handler = createHttpFunction<APIGatewayProxyEventV2, HttpScope, HttpResponse>({
    logger: createLogger("test"),
    routes: [
      { method: "GET", path: "/slow", handler: () => never },
      { method: "GET", path: "/fast", handler: () => ({ statusCode: 200, headers: {}, body: "{}" }) },
    ],
    scope: (event) => ({ path: event.rawPath, requestId: "req-1", logFields: {} }),
    finish: (_scope, response) => response,
  });

  it("answers 504 function_timeout just before the invocation's deadline when a route has not finished", async () => {
    // Act
    const answer = await handler(eventFor("/slow"), contextWith(deadlineMarginMs + 30));
    // Assess
    expect(answer.statusCode).toBe(504);
    expect(JSON.parse(answer.body ?? "")).toEqual({ error: "function_timeout", message: "The request did not finish in time, try again" });
  });

  it("answers a route that finishes in time as it answered", async () => {
    // Act
    const answer = await handler(eventFor("/fast"), contextWith(deadlineMarginMs + 30));
    // Assess
    expect(answer.statusCode).toBe(200);
  });
});
