import { describe, expect, it } from "vitest";
import {
  buildFunctionUrlEvent,
  type EdgeRequest,
  isTextContentType,
  MalformedFunctionResultError,
  mapFunctionUrlResult,
} from "./function-url-event.ts";

const base: EdgeRequest = {
  method: "get",
  rawUrl: "/auth/login?returnTo=%2Fitems&a=1&a=2",
  headers: [
    ["host", "localhost:3000"],
    ["cookie", "__Host-session=abc; theme=dark"],
    ["cookie", "other=1"],
    ["accept", "text/html"],
    ["accept", "application/json"],
    ["user-agent", "test-agent"],
  ],
  body: Buffer.alloc(0),
  sourceIp: "127.0.0.1",
  requestId: "4b9e4c6e-0000-4000-8000-000000000000",
  now: Date.UTC(2026, 10, 21, 5, 28, 31),
  domainName: "localhost",
  apiId: "local",
};

describe("buildFunctionUrlEvent", () => {
  it("builds a payload 2.0 event with cookies split out of the headers", () => {
    // Act
    const event = buildFunctionUrlEvent(base);
    // Assess
    expect(event).toEqual({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/auth/login",
      rawQueryString: "returnTo=%2Fitems&a=1&a=2",
      cookies: ["__Host-session=abc", "theme=dark", "other=1"],
      headers: { host: "localhost:3000", accept: "text/html,application/json", "user-agent": "test-agent" },
      queryStringParameters: { returnTo: "/items", a: "1,2" },
      requestContext: {
        accountId: "anonymous",
        apiId: "local",
        domainName: "localhost",
        domainPrefix: "localhost",
        http: { method: "GET", path: "/auth/login", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test-agent" },
        requestId: "4b9e4c6e-0000-4000-8000-000000000000",
        routeKey: "$default",
        stage: "$default",
        time: "21/Nov/2026:05:28:31 +0000",
        timeEpoch: Date.UTC(2026, 10, 21, 5, 28, 31),
      },
      isBase64Encoded: false,
    });
  });

  it("leaves body, cookies and query out when there are none", () => {
    const event = buildFunctionUrlEvent({ ...base, rawUrl: "/auth/session", headers: [] });
    expect(event).not.toHaveProperty("body");
    expect(event).not.toHaveProperty("cookies");
    expect(event).not.toHaveProperty("queryStringParameters");
    expect(event.rawQueryString).toBe("");
    expect(event.isBase64Encoded).toBe(false);
  });

  it("passes a JSON body as text and a binary or form body as base64", () => {
    const json = buildFunctionUrlEvent({
      ...base,
      method: "POST",
      headers: [["content-type", "application/json; charset=utf-8"]],
      body: Buffer.from('{"a":1}'),
    });
    expect(json.body).toBe('{"a":1}');
    expect(json.isBase64Encoded).toBe(false);
    const binary = buildFunctionUrlEvent({
      ...base,
      method: "POST",
      headers: [["content-type", "application/octet-stream"]],
      body: Buffer.from([1, 2, 255]),
    });
    expect(binary.body).toBe("AQL/");
    expect(binary.isBase64Encoded).toBe(true);
    const form = buildFunctionUrlEvent({
      ...base,
      method: "POST",
      headers: [["content-type", "application/x-www-form-urlencoded"]],
      body: Buffer.from("a=1"),
    });
    expect(form.body).toBe("YT0x");
    expect(form.isBase64Encoded).toBe(true);
  });
});

describe("isTextContentType", () => {
  it("treats text, JSON, XML and JavaScript as text and the rest as binary", () => {
    for (const type of [
      "text/plain",
      "text/html; charset=utf-8",
      "application/json",
      "application/problem+json",
      "application/xml",
      "application/javascript",
    ]) {
      expect(isTextContentType(type)).toBe(true);
    }
    for (const type of [undefined, "application/octet-stream", "image/png", "multipart/form-data; boundary=x", "application/jsonx"]) {
      expect(isTextContentType(type)).toBe(false);
    }
  });
});

describe("mapFunctionUrlResult", () => {
  it("maps status, headers, cookies and a base64 body", () => {
    const response = mapFunctionUrlResult({
      statusCode: 302,
      headers: { Location: "/", "X-Count": 2 },
      cookies: ["a=1; Path=/", "b=2; Path=/"],
      body: Buffer.from("bytes").toString("base64"),
      isBase64Encoded: true,
    });
    expect(response).toEqual({
      statusCode: 302,
      headers: [
        ["location", "/"],
        ["x-count", "2"],
      ],
      cookies: ["a=1; Path=/", "b=2; Path=/"],
      body: Buffer.from("bytes"),
    });
  });

  it("infers 200 JSON when the result has no statusCode, as a function URL does", () => {
    const response = mapFunctionUrlResult({ hello: "world" });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual([["content-type", "application/json"]]);
    expect(response.body.toString()).toBe('{"hello":"world"}');
  });

  it("refuses a structured result with a bad status, body or cookies", () => {
    expect(() => mapFunctionUrlResult({ statusCode: "200" })).toThrow(MalformedFunctionResultError);
    expect(() => mapFunctionUrlResult({ statusCode: "200" })).toThrow('"statusCode" must be an HTTP status number');
    expect(() => mapFunctionUrlResult({ statusCode: 200, body: 5 })).toThrow('"body" must be a string');
    expect(() => mapFunctionUrlResult({ statusCode: 200, cookies: "a=1" })).toThrow('"cookies" must be an array of strings');
  });
});
