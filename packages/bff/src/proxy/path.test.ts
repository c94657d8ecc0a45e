import { BadRequestError } from "@spa-bff/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/fixtures.ts";
import { upstreamPathOf, upstreamUrlOf } from "./path.ts";

describe("upstreamPathOf", () => {
  it("keeps a plain path", () => {
    expect(upstreamPathOf("/api/items/42")).toBe("items/42");
  });

  it("keeps encoded characters that are not separators", () => {
    expect(upstreamPathOf("/api/items/a%20b")).toBe("items/a%20b");
  });

  it.each([
    ["a .. segment", "/api/items/../admin"],
    ["a . segment", "/api/./items"],
    ["an encoded .. segment", "/api/items/%2e%2e/admin"],
    ["a mixed-case encoded .. segment", "/api/items/%2E./admin"],
    ["an encoded slash", "/api/items%2f..%2fadmin"],
    ["an encoded backslash", "/api/items%5cadmin"],
    ["a backslash", "/api/items\\admin"],
    ["a double-encoded dot", "/api/items/%252e%252e/admin"],
    ["a NUL", "/api/items%00"],
    ["a control character", "/api/items\u0001"],
    ["an empty segment", "/api/items//admin"],
    ["a malformed escape", "/api/items/%zz"],
    ["nothing after /api/", "/api/"],
    ["a path outside /api/", "/apix/items"],
  ])("refuses %s with invalid_path", (_name, path) => {
    // Act
    const error = thrown(() => upstreamPathOf(path));
    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: "invalid_path", status: 400, message: "The API path is not allowed" });
  });

  it("never lets a URL leave the base path, whatever the request path", () => {
    const base = "http://127.0.0.1:3002/local";
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "..", ".", "%2e", "%2E%2e", "%2f", "/", "\\", "%5c", "%25", "b%"), { maxLength: 8 }),
        (parts) => {
          const raw = `/api/${parts.join("")}`;
          let url: URL | undefined;
          try {
            url = upstreamUrlOf(base, upstreamPathOf(raw), undefined);
          } catch (error) {
            expect(error).toBeInstanceOf(BadRequestError);
            return;
          }
          expect(url.origin).toBe("http://127.0.0.1:3002");
          expect(url.pathname.startsWith("/local/")).toBe(true);
          expect(url.pathname.split("/")).not.toContain("..");
        },
      ),
    );
  });
});

describe("upstreamUrlOf", () => {
  it("joins the base URL, the path and the raw query", () => {
    expect(upstreamUrlOf("https://api.internal/prod", "items", "a=1&b=%20").href).toBe("https://api.internal/prod/items?a=1&b=%20");
  });

  it("takes no host from the path", () => {
    expect(upstreamUrlOf("https://api.internal/prod", "@evil.example/x", undefined).host).toBe("api.internal");
  });
});
