/**
 * The Lambda events the benchmarks send, shaped as AWS delivers them. Plain
 * JSON, so a cold-start process can receive them through a file.
 */
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEvent, ScheduledEvent } from "aws-lambda";

const accountId = "123456789012";
const apiId = "benchapi";

/** A function URL event (payload 2.0) for a GET, as the edge builds it: the Cookie header moves into `cookies`. */
export function functionUrlGet(path: string, headers: Record<string, string>, domainName = "localhost"): APIGatewayProxyEventV2 {
  const now = Date.now();
  const { cookie, ...rest } = headers;
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: { host: domainName, "user-agent": "spa-bff-bench", ...rest },
    ...(cookie ? { cookies: cookie.split(";").map((part) => part.trim()) } : {}),
    requestContext: {
      accountId: "anonymous",
      apiId: "benchurl",
      domainName,
      domainPrefix: domainName.split(".")[0] ?? domainName,
      http: { method: "GET", path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "spa-bff-bench" },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    isBase64Encoded: false,
  };
}

/** API Gateway's REQUEST authorizer event for `GET /items` on stage `local`. */
export function authorizerEvent(accessToken: string): APIGatewayRequestAuthorizerEvent {
  return {
    type: "REQUEST",
    methodArn: `arn:aws:execute-api:us-east-1:${accountId}:${apiId}/local/GET/items`,
    resource: "/items",
    path: "/local/items",
    httpMethod: "GET",
    headers: { Authorization: `Bearer ${accessToken}` },
    multiValueHeaders: { Authorization: [`Bearer ${accessToken}`] },
    pathParameters: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: restRequestContext("GET", "/items", undefined),
  } as APIGatewayRequestAuthorizerEvent;
}

/** A REST (v1) proxy event for `GET /items` after the authorizer allowed a user. */
export function apiListItemsEvent(user: { sub: string; username: string }, clientId: string): APIGatewayProxyEvent {
  return {
    resource: "/items",
    path: "/items",
    httpMethod: "GET",
    headers: { Accept: "application/json" },
    multiValueHeaders: { Accept: ["application/json"] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: restRequestContext("GET", "/items", {
      sub: user.sub,
      clientId,
      scope: "openid email profile items/read items/write",
      principalType: "user",
      username: user.username,
      principalId: user.sub,
      // The API refuses a cached authorizer answer whose token has expired: the authorizer passes the token's exp.
      exp: Math.floor(Date.now() / 1000) + 3600,
      integrationLatency: 0,
    }),
  };
}

export function scheduledEvent(): ScheduledEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: accountId,
    time: new Date().toISOString(),
    region: "us-east-1",
    resources: [`arn:aws:events:us-east-1:${accountId}:rule/m2m-job`],
    detail: {},
  };
}

function restRequestContext(
  method: string,
  resource: string,
  authorizer: Record<string, unknown> | undefined,
): APIGatewayProxyEvent["requestContext"] {
  const now = Date.now();
  return {
    accountId,
    apiId,
    authorizer,
    protocol: "HTTP/1.1",
    httpMethod: method,
    identity: { sourceIp: "127.0.0.1", userAgent: "spa-bff-bench" } as APIGatewayProxyEvent["requestContext"]["identity"],
    path: `/local${resource}`,
    stage: "local",
    requestId: randomUUID(),
    requestTimeEpoch: now,
    resourceId: "bench",
    resourcePath: resource,
  };
}
