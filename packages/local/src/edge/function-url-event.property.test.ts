import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildFunctionUrlEvent, MalformedFunctionResultError, mapFunctionUrlResult } from "./function-url-event.ts";

const headerName = fc.oneof(
  fc.constantFrom("cookie", "content-type", "x-csrf", "origin", "x-forwarded-for", "host"),
  fc.stringMatching(/^[a-z0-9-]{1,16}$/),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
const rawUrl = fc.oneof(
  fc.webPath(),
  fc.string().map((rest) => `/${rest}`),
  fc.tuple(fc.webPath(), fc.webQueryParameters()).map(([path, query]) => `${path || "/"}?${query}`),
);

function request(overrides: { rawUrl: string; headers: Array<[string, string]>; body: Buffer; method?: string }) {
  return {
    method: "GET",
    sourceIp: "127.0.0.1",
    requestId: "r",
    now: 1_800_000_000_000,
    domainName: "localhost",
    apiId: "local",
    ...overrides,
  };
}

describe("buildFunctionUrlEvent (property)", () => {
  it("never throws, keeps the raw path and query, and moves every Cookie header into cookies", () => {
    fc.assert(
      fc.property(
        rawUrl,
        fc.array(fc.tuple(headerName, headerValue), { maxLength: 12 }),
        fc.uint8Array({ maxLength: 64 }),
        (url, headers, body) => {
          // Act
          const event = buildFunctionUrlEvent(request({ rawUrl: url, headers, body: Buffer.from(body) }));
          // Assess
          expect(url.includes("?") ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath).toBe(url);
          expect(event.rawPath).not.toContain("?");
          expect(event.headers).not.toHaveProperty("cookie");
          for (const cookie of event.cookies ?? []) {
            expect(cookie).not.toContain(";");
            expect(cookie).toBe(cookie.trim());
          }
          const sent = headers
            .filter(([name]) => name === "cookie")
            .flatMap(([, value]) =>
              value
                .split(";")
                .map((part) => part.trim())
                .filter(Boolean),
            );
          expect(event.cookies ?? []).toEqual(sent);
        },
      ),
    );
  });

  it("delivers the body byte for byte, as text or base64 by content type", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("application/json", "text/plain", "image/png", "application/x-www-form-urlencoded", undefined),
        fc.string(),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (type, text, binary) => {
          // Prepare
          const body = type?.startsWith("text/") || type === "application/json" ? Buffer.from(text) : Buffer.from(binary);
          fc.pre(body.length > 0);
          const headers: Array<[string, string]> = type ? [["content-type", type]] : [];
          // Act
          const event = buildFunctionUrlEvent(request({ rawUrl: "/api/items", headers, body, method: "POST" }));
          // Assess
          const received = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64") : Buffer.from(event.body ?? "", "utf8");
          expect(received).toEqual(body);
        },
      ),
    );
  });

  it("joins repeated query parameters with a comma, as function URLs do", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 4 }), (values) => {
        const query = values.map((value) => `returnTo=${value}`).join("&");
        const event = buildFunctionUrlEvent(request({ rawUrl: `/auth/login?${query}`, headers: [], body: Buffer.alloc(0) }));
        expect(event.queryStringParameters?.returnTo).toBe(values.join(","));
      }),
    );
  });
});

describe("mapFunctionUrlResult (property)", () => {
  it("answers a response or throws MalformedFunctionResultError for any handler result", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record(
            { statusCode: fc.anything(), body: fc.anything(), headers: fc.anything(), cookies: fc.anything() },
            { requiredKeys: [] },
          ),
        ),
        (result) => {
          try {
            const mapped = mapFunctionUrlResult(result);
            expect(mapped.statusCode).toBeGreaterThanOrEqual(100);
            expect(mapped.statusCode).toBeLessThanOrEqual(599);
          } catch (error) {
            expect(error).toBeInstanceOf(MalformedFunctionResultError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
