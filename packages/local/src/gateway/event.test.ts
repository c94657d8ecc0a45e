import { describe, expect, it } from "vitest";
import {
  buildAuthorizerEvent,
  buildMethodArn,
  buildProxyEvent,
  collectHeaders,
  collectQuery,
  formatRequestTime,
  type GatewayRequest,
  MalformedIntegrationResultError,
  mapProxyResult,
} from "./event.ts";

const api = { region: "eu-west-1", accountId: "111122223333", apiId: "abc123", stage: "local" };
const route = { method: "GET", resource: "/items/{id}", pathParameters: { id: "42" } };
const request: GatewayRequest = {
  method: "get",
  path: "/items/42",
  rawQuery: "a=1&a=2&b=x%20y",
  rawHeaders: ["Host", "127.0.0.1:3002", "Authorization", "Bearer t", "X-Multi", "one", "x-multi", "two", "User-Agent", "test"],
  body: Buffer.alloc(0),
  sourceIp: "127.0.0.1",
  requestId: "req-1",
  now: Date.UTC(2026, 10, 21, 5, 28, 31),
};

describe("buildMethodArn", () => {
  it("drops the path's leading slash and upper-cases the method", () => {
    expect(buildMethodArn(api, "post", "/items")).toBe("arn:aws:execute-api:eu-west-1:111122223333:abc123/local/POST/items");
    expect(buildMethodArn(api, "GET", "/")).toBe("arn:aws:execute-api:eu-west-1:111122223333:abc123/local/GET/");
  });
});

describe("collectHeaders and collectQuery", () => {
  it("keeps the sender's header case, the last value in headers and every value in multiValueHeaders", () => {
    const { headers, multiValueHeaders } = collectHeaders(request.rawHeaders);
    expect(headers["X-Multi"]).toBe("two");
    expect(multiValueHeaders["X-Multi"]).toEqual(["one", "two"]);
    expect(headers.Authorization).toBe("Bearer t");
  });

  it("decodes the query, keeping the last value of a repeated key and all of them in the multi-value map", () => {
    expect(collectQuery("a=1&a=2&b=x%20y")).toEqual({
      queryStringParameters: { a: "2", b: "x y" },
      multiValueQueryStringParameters: { a: ["1", "2"], b: ["x y"] },
    });
    expect(collectQuery("")).toEqual({ queryStringParameters: null, multiValueQueryStringParameters: null });
  });
});

describe("buildAuthorizerEvent", () => {
  it("builds a REQUEST event with the method ARN, resource and headers", () => {
    // Act
    const event = buildAuthorizerEvent(api, route, request);
    // Assess
    expect(event).toMatchObject({
      type: "REQUEST",
      methodArn: "arn:aws:execute-api:eu-west-1:111122223333:abc123/local/GET/items/42",
      resource: "/items/{id}",
      path: "/items/42",
      httpMethod: "GET",
      pathParameters: { id: "42" },
      queryStringParameters: { a: "2", b: "x y" },
      requestContext: {
        accountId: "111122223333",
        apiId: "abc123",
        stage: "local",
        requestId: "req-1",
        resourcePath: "/items/{id}",
        path: "/local/items/42",
      },
    });
    expect(event.headers?.Authorization).toBe("Bearer t");
  });
});

describe("buildProxyEvent", () => {
  const grant = { principalId: "user-1", statements: [], context: { sub: "user-1", scope: "items/read" } };

  it("hands the integration the authorizer context plus principalId", () => {
    // Act
    const event = buildProxyEvent(api, route, request, grant);
    // Assess
    expect(event.requestContext.authorizer).toEqual({ sub: "user-1", scope: "items/read", principalId: "user-1", integrationLatency: 0 });
    expect(event.stageVariables).toBeNull();
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext.identity.sourceIp).toBe("127.0.0.1");
    expect(event.requestContext.identity.userAgent).toBe("test");
    expect(event.requestContext.requestTime).toBe("21/Nov/2026:05:28:31 +0000");
    expect(event.multiValueQueryStringParameters).toEqual({ a: ["1", "2"], b: ["x y"] });
  });

  it("passes a UTF-8 body as text and other bytes as base64", () => {
    const text = buildProxyEvent(api, route, { ...request, body: Buffer.from('{"name":"ü"}') }, grant);
    expect(text.body).toBe('{"name":"ü"}');
    expect(text.isBase64Encoded).toBe(false);
    const binary = buildProxyEvent(api, route, { ...request, body: Buffer.from([0xff, 0xfe, 0x00]) }, grant);
    expect(binary.body).toBe("//4A");
    expect(binary.isBase64Encoded).toBe(true);
  });
});

describe("mapProxyResult", () => {
  it("merges headers and multiValueHeaders, the multi-value list winning for a shared name", () => {
    const response = mapProxyResult({
      statusCode: 201,
      headers: { "content-type": "application/json", "x-a": "single", "x-n": 5 },
      multiValueHeaders: { "X-A": ["m1", "m2"] },
      body: '{"ok":true}',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual([
      ["content-type", "application/json"],
      ["x-n", "5"],
      ["X-A", "m1"],
      ["X-A", "m2"],
    ]);
    expect(response.body.toString()).toBe('{"ok":true}');
  });

  it("decodes a base64 body", () => {
    expect(mapProxyResult({ statusCode: 200, body: "//4A", isBase64Encoded: true }).body).toEqual(Buffer.from([0xff, 0xfe, 0x00]));
  });

  it("refuses a result without a valid statusCode or with a non-string body", () => {
    expect(() => mapProxyResult({ body: "x" })).toThrow(MalformedIntegrationResultError);
    expect(() => mapProxyResult({ body: "x" })).toThrow('"statusCode" must be an HTTP status number');
    expect(() => mapProxyResult({ statusCode: 200, body: { a: 1 } })).toThrow('"body" must be a string');
    expect(() => mapProxyResult("ok")).toThrow("The integration result is not an object");
  });
});

describe("formatRequestTime", () => {
  it("formats like API Gateway's requestTime", () => {
    expect(formatRequestTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe("02/Jan/2026:03:04:05 +0000");
  });
});
