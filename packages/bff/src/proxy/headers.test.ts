import { describe, expect, it } from "vitest";
import { browserResponseHeaders, isTextContentType, upstreamRequestHeaders } from "./headers.ts";

describe("upstreamRequestHeaders", () => {
  it("forwards only allowlisted headers, the bearer token and the request id", () => {
    // Prepare
    const incoming = {
      accept: "application/json",
      "content-type": "application/json",
      "if-match": '"v1"',
      cookie: "__Host-session=secret",
      "x-csrf": "1",
      host: "app.example",
      connection: "keep-alive",
      "transfer-encoding": "chunked",
      "x-forwarded-for": "10.0.0.1",
      "x-amz-content-sha256": "abc",
      authorization: "Bearer from-the-browser",
      "x-request-id": "client-id",
    };
    // Act
    const headers = upstreamRequestHeaders(incoming, "at-123", "req-1");
    // Assess
    expect(headers).toEqual({
      accept: "application/json",
      "content-type": "application/json",
      "if-match": '"v1"',
      authorization: "Bearer at-123",
      "x-request-id": "req-1",
    });
  });
});

describe("browserResponseHeaders", () => {
  it("passes back allowlisted headers and never Set-Cookie", () => {
    // Prepare
    const upstream = new Headers({
      "content-type": "application/json",
      etag: '"v2"',
      "set-cookie": "tracking=1",
      location: "http://internal/x",
      server: "internal",
      "x-request-id": "req-1",
    });
    // Act
    const headers = browserResponseHeaders(upstream);
    // Assess
    expect(headers).toEqual({ "content-type": "application/json", etag: '"v2"', "x-request-id": "req-1" });
  });
  it("reads Node's header record too: lower-cased names, repeated values joined, never Set-Cookie", () => {
    // Act
    const headers = browserResponseHeaders({
      "Content-Type": "text/plain",
      vary: ["accept", "origin"],
      "set-cookie": ["a=1"],
      etag: undefined,
    });
    // Assess
    expect(headers).toEqual({ "content-type": "text/plain", vary: "accept, origin" });
  });
});

describe("isTextContentType", () => {
  it.each([
    ["application/json; charset=utf-8", true],
    ["text/plain", true],
    ["application/problem+json", true],
    ["image/png", false],
    ["application/octet-stream", false],
    [undefined, false],
  ])("classifies %s as text: %s", (type, expected) => {
    expect(isTextContentType(type)).toBe(expected);
  });
});
