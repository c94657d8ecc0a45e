import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { browserResponseHeaders, isTextContentType, upstreamRequestHeaders } from "./headers.ts";

const requestAllowlist = [
  "accept",
  "accept-language",
  "content-type",
  "content-language",
  "if-match",
  "if-none-match",
  "if-modified-since",
  "if-unmodified-since",
];
const responseAllowlist = ["content-type", "content-language", "cache-control", "etag", "last-modified", "expires", "vary", "x-request-id"];
const dangerous = [
  "cookie",
  "authorization",
  "host",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-amz-content-sha256",
  "x-csrf",
  "connection",
  "transfer-encoding",
  "x-http-method-override",
  "proxy-authorization",
  "x-api-key",
];
const headerName = fc.oneof(
  fc.constantFrom(...requestAllowlist, ...responseAllowlist, ...dangerous, "set-cookie", "server", "location"),
  fc.stringMatching(/^[a-z0-9-]{1,20}$/),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);

describe("upstreamRequestHeaders (property)", () => {
  it("passes only allowlisted headers, plus the session's bearer token and the request id, whatever the browser sent", () => {
    fc.assert(
      fc.property(
        fc.dictionary(headerName, fc.string({ unit: "binary" })),
        fc.stringMatching(/^[A-Za-z0-9._-]{1,60}$/),
        fc.uuid(),
        (headers, token, requestId) => {
          // Act
          const upstream = upstreamRequestHeaders(headers, token, requestId);
          // Assess
          for (const name of Object.keys(upstream)) expect([...requestAllowlist, "authorization", "x-request-id"]).toContain(name);
          expect(upstream.authorization).toBe(`Bearer ${token}`);
          expect(upstream["x-request-id"]).toBe(requestId);
          for (const name of requestAllowlist) if (name in headers) expect(upstream[name]).toBe(headers[name]);
        },
      ),
    );
  });
});

describe("browserResponseHeaders (property)", () => {
  it("returns only allowlisted response headers, never Set-Cookie, Location or Server", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(headerName, headerValue), { maxLength: 20 }), (pairs) => {
        // Prepare
        const headers = new Headers();
        for (const [name, value] of pairs) headers.append(name, value);
        // Act
        const browser = browserResponseHeaders(headers);
        // Assess
        for (const name of Object.keys(browser)) expect(responseAllowlist).toContain(name);
        expect(browser).not.toHaveProperty("set-cookie");
      }),
    );
  });
});

describe("isTextContentType (property)", () => {
  it("never throws and answers a boolean for any content type", () => {
    fc.assert(
      fc.property(fc.option(fc.string({ unit: "binary" }), { nil: undefined }), (value) => {
        expect(typeof isTextContentType(value)).toBe("boolean");
      }),
    );
  });
});
