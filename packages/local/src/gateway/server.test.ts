import { createServer } from "node:net";
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { inProcess } from "../lambda/in-process.ts";
import { type GatewayOptions, type RunningGateway, startGateway } from "./server.ts";

const routes = [
  { method: "GET", resource: "/items" },
  { method: "POST", resource: "/items" },
  { method: "GET", resource: "/items/{id}" },
];

function allowOnly(resource: string, context: Record<string, string | number | boolean> = {}): APIGatewayAuthorizerResult {
  return {
    principalId: "user-1",
    policyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: resource }] },
    context,
  };
}

const echo = async (event: APIGatewayProxyEvent) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  multiValueHeaders: { "set-thing": ["a", "b"] },
  body: JSON.stringify(event),
});

/** A handler in this process, typed as the gateway's authorizer or integration. */
const asAuthorizer = (handler: (event: APIGatewayRequestAuthorizerEvent) => unknown) => inProcess(handler);
const asIntegration = (handler: (event: APIGatewayProxyEvent) => unknown) => inProcess(handler);

let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start(overrides: Partial<GatewayOptions>): Promise<RunningGateway> {
  running = await startGateway({
    port: 0,
    stage: "local",
    routes,
    authorizer: asAuthorizer(async (event) => allowOnly(event.methodArn)),
    integration: asIntegration(echo),
    ...overrides,
  });
  return running;
}

describe("startGateway", () => {
  it("runs the authorizer and hands the integration a REST proxy event with the authorizer context", async () => {
    // Prepare
    let seen: APIGatewayRequestAuthorizerEvent | undefined;
    const gateway = await start({
      authorizer: asAuthorizer(async (event) => {
        seen = event;
        return allowOnly(event.methodArn, { sub: "user-1", scope: "items/read", n: 1 });
      }),
    });
    // Act
    const response = await fetch(`${gateway.url}/items/42?x=1&x=2`, { headers: { authorization: "Bearer good", "x-custom": "v" } });
    const event = (await response.json()) as APIGatewayProxyEvent;
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("set-thing")).toBe("a, b");
    expect(seen?.type).toBe("REQUEST");
    expect(seen?.methodArn).toBe(`arn:aws:execute-api:us-east-1:123456789012:local/local/GET/items/42`);
    expect(event.resource).toBe("/items/{id}");
    expect(event.path).toBe("/items/42");
    expect(event.httpMethod).toBe("GET");
    expect(event.pathParameters).toEqual({ id: "42" });
    expect(event.queryStringParameters).toEqual({ x: "2" });
    expect(event.multiValueQueryStringParameters).toEqual({ x: ["1", "2"] });
    expect(event.headers.authorization).toBe("Bearer good");
    expect(event.multiValueHeaders["x-custom"]).toEqual(["v"]);
    expect(event.requestContext.authorizer).toEqual({
      sub: "user-1",
      scope: "items/read",
      n: "1",
      principalId: "user-1",
      integrationLatency: 0,
    });
    expect(event.requestContext).toMatchObject({
      accountId: "123456789012",
      apiId: "local",
      stage: "local",
      resourcePath: "/items/{id}",
      httpMethod: "GET",
    });
    expect(event.requestContext.requestId).toBe(response.headers.get("x-amzn-requestid"));
  });

  it("passes a request body through and decodes a base64 response body", async () => {
    const gateway = await start({
      integration: asIntegration(async (event) => ({
        statusCode: 201,
        body: Buffer.from(`got:${event.body}`).toString("base64"),
        isBase64Encoded: true,
      })),
    });
    const response = await fetch(`${gateway.url}/items`, { method: "POST", headers: { authorization: "Bearer t" }, body: '{"name":"x"}' });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('got:{"name":"x"}');
  });

  it("answers 403 Missing Authentication Token for unknown routes, other methods and paths outside the stage", async () => {
    const gateway = await start({});
    const origin = gateway.url.replace(/\/local$/, "");
    for (const [url, method] of [
      [`${gateway.url}/nope`, "GET"],
      [`${gateway.url}/items`, "DELETE"],
      [`${origin}/items`, "GET"],
      [`${origin}/other/items`, "GET"],
    ] as const) {
      const response = await fetch(url, { method, headers: { authorization: "Bearer t" } });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: "Missing Authentication Token" });
    }
    expect(gateway.authorizerCalls()).toBe(0);
  });

  it("answers 401 without calling the authorizer when the Authorization header is missing or empty", async () => {
    const gateway = await start({});
    const missing = await fetch(`${gateway.url}/items`);
    const empty = await fetch(`${gateway.url}/items`, { headers: { authorization: "" } });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: "Unauthorized" });
    expect(empty.status).toBe(401);
    expect(gateway.authorizerCalls()).toBe(0);
  });

  it("answers 401 when the authorizer throws Unauthorized, and serves that from the cache", async () => {
    const gateway = await start({
      authorizer: asAuthorizer(async () => {
        throw new Error("Unauthorized");
      }),
    });
    const first = await fetch(`${gateway.url}/items`, { headers: { authorization: "Bearer bad" } });
    const second = await fetch(`${gateway.url}/items/1`, { headers: { authorization: "Bearer bad" } });
    expect(first.status).toBe(401);
    expect(await first.json()).toEqual({ message: "Unauthorized" });
    expect(second.status).toBe(401);
    expect(gateway.authorizerCalls()).toBe(1);
  });

  it("answers 500 with a null message when the authorizer fails or returns a malformed result, and does not cache it", async () => {
    let mode: "throw" | "malformed" = "throw";
    const gateway = await start({
      authorizer: asAuthorizer(async (event) => {
        if (mode === "throw") throw new Error("boom");
        return { ...allowOnly(event.methodArn), context: { list: [1] } } as unknown as APIGatewayAuthorizerResult;
      }),
    });
    const thrown = await fetch(`${gateway.url}/items`, { headers: { authorization: "Bearer t" } });
    mode = "malformed";
    const malformed = await fetch(`${gateway.url}/items`, { headers: { authorization: "Bearer t" } });
    expect(thrown.status).toBe(500);
    expect(await thrown.json()).toEqual({ message: null });
    expect(malformed.status).toBe(500);
    expect(await malformed.json()).toEqual({ message: null });
    expect(gateway.authorizerCalls()).toBe(2);
  });

  it("answers 403 with API Gateway's messages for an explicit Deny and for no matching statement", async () => {
    const gateway = await start({
      authorizer: asAuthorizer(async (event) =>
        event.headers?.authorization === "Bearer deny"
          ? {
              principalId: "u",
              policyDocument: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Deny", Action: "execute-api:Invoke", Resource: event.methodArn }],
              },
            }
          : allowOnly("arn:aws:execute-api:us-east-1:123456789012:local/local/GET/other"),
      ),
    });
    const denied = await fetch(`${gateway.url}/items`, { headers: { authorization: "Bearer deny" } });
    const unmatched = await fetch(`${gateway.url}/items`, { headers: { authorization: "Bearer other" } });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ Message: "User is not authorized to access this resource with an explicit deny" });
    expect(unmatched.status).toBe(403);
    expect(await unmatched.json()).toEqual({ Message: "User is not authorized to access this resource" });
  });

  it("evaluates a cached policy against the next request's own method ARN", async () => {
    // Prepare: a policy naming only the method ARN of the first call.
    const gateway = await start({});
    const headers = { authorization: "Bearer same" };
    // Act
    const first = await fetch(`${gateway.url}/items`, { headers });
    const again = await fetch(`${gateway.url}/items`, { headers });
    const other = await fetch(`${gateway.url}/items/7`, { headers });
    // Assess
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({ Message: "User is not authorized to access this resource" });
    expect(gateway.authorizerCalls()).toBe(1);
  });

  it("calls the authorizer again once the TTL has passed, and on every request when caching is off", async () => {
    let now = 0;
    const cached = await start({ cacheTtlSeconds: 10, clock: () => now, authorizer: asAuthorizer(async () => allowOnly("*")) });
    await fetch(`${cached.url}/items`, { headers: { authorization: "Bearer a" } });
    now = 9_999;
    await fetch(`${cached.url}/items`, { headers: { authorization: "Bearer a" } });
    now = 10_000;
    await fetch(`${cached.url}/items`, { headers: { authorization: "Bearer a" } });
    expect(cached.authorizerCalls()).toBe(2);
    await cached.stop();

    const uncached = await start({ cacheTtlSeconds: 0, authorizer: asAuthorizer(async () => allowOnly("*")) });
    await fetch(`${uncached.url}/items`, { headers: { authorization: "Bearer a" } });
    await fetch(`${uncached.url}/items`, { headers: { authorization: "Bearer a" } });
    expect(uncached.authorizerCalls()).toBe(2);
  });

  it("answers 502 Internal server error when the integration throws or returns a malformed result", async () => {
    let mode: "throw" | "malformed" = "throw";
    const gateway = await start({
      integration: asIntegration(async () => {
        if (mode === "throw") throw new Error("db down");
        return { body: "no status" } as never;
      }),
    });
    const thrown = await fetch(`${gateway.url}/items`, { headers: { authorization: "Bearer t" } });
    mode = "malformed";
    const malformed = await fetch(`${gateway.url}/items`, { headers: { authorization: "Bearer t" } });
    expect(thrown.status).toBe(502);
    expect(await thrown.json()).toEqual({ message: "Internal server error" });
    expect(malformed.status).toBe(502);
  });

  it("answers 413 for a body over the limit without running the authorizer", async () => {
    const gateway = await start({ maxBodyBytes: 16 });
    const response = await fetch(`${gateway.url}/items`, { method: "POST", headers: { authorization: "Bearer t" }, body: "x".repeat(17) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: "Request Too Long" });
    expect(gateway.authorizerCalls()).toBe(0);
  });

  it("stops and starts again on the same port", async () => {
    const gateway = await start({});
    await gateway.stop();
    await expect(fetch(`${gateway.url}/items`, { headers: { authorization: "Bearer t" } })).rejects.toThrow();
    await gateway.start();
    const response = await fetch(`${gateway.url}/items`, { headers: { authorization: "Bearer t" } });
    expect(response.status).toBe(200);
  });

  it("rejects with a message naming the port when it is taken", async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    // Act
    const attempt = startGateway({
      port,
      stage: "local",
      routes,
      authorizer: asAuthorizer(async () => allowOnly("*")),
      integration: asIntegration(echo),
    });
    // Assess
    await expect(attempt).rejects.toThrow(`Local API gateway: port ${port} on 127.0.0.1 is already in use (EADDRINUSE)`);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });
});
