import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseReturnTo, withAuthError } from "./return-to.ts";

const app = "https://app.example";
const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/).filter((value) => value !== "." && value !== "..");
const appPath = fc
  .tuple(
    fc.array(segment, { minLength: 1, maxLength: 6 }),
    fc.option(fc.stringMatching(/^[a-z]{1,8}=[A-Za-z0-9]{0,8}$/), { nil: undefined }),
  )
  .map(([segments, query]) => `/${segments.join("/")}${query ? `?${query}` : ""}`);

/** What a browser does with a Location header: resolve it against the app's URL. */
function landsOn(location: string): URL {
  return new URL(location, `${app}/auth/callback`);
}

function assertSameOrigin(value: string): void {
  expect(value.startsWith("/")).toBe(true);
  expect(value.startsWith("//")).toBe(false);
  expect([...value].some((char) => char.charCodeAt(0) <= 0x20 || char === "\u007f" || char === "\\")).toBe(false);
  expect(landsOn(value).origin).toBe(app);
}

describe("parseReturnTo (property)", () => {
  it("always answers a same-origin path and never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.webUrl(), fc.webPath(), fc.constantFrom(undefined, null)), (value) => {
        assertSameOrigin(parseReturnTo(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("falls back to / for every scheme-relative, backslash, scheme or encoded-slash prefix", () => {
    const hostile = fc.constantFrom(
      "//",
      "/\\",
      "\\\\",
      "https:",
      "javascript:",
      "data:",
      "/%2f",
      "/%5c",
      "/%2F/",
      "%2f%2f",
      "\t//",
      " //",
      "/\t/",
      "/\n/",
    );
    fc.assert(
      fc.property(hostile, fc.string(), (prefix, rest) => {
        expect(parseReturnTo(`${prefix}${rest}`)).toBe("/");
      }),
    );
  });

  it("keeps a plain app path exactly", () => {
    fc.assert(
      fc.property(appPath, (path) => {
        expect(parseReturnTo(path)).toBe(path);
      }),
    );
  });

  it("is idempotent: a checked value passes the check unchanged", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        const once = parseReturnTo(value);
        expect(parseReturnTo(once)).toBe(once);
      }),
    );
  });
});

describe("withAuthError (property)", () => {
  it("stays same-origin and carries only a snake_case code, whatever the returnTo and code", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (returnTo, code) => {
        // Act
        const location = withAuthError(returnTo, code);
        // Assess
        assertSameOrigin(location);
        expect(landsOn(location).searchParams.get("auth_error")).toMatch(/^[a-z0-9_]{1,64}$/);
      }),
    );
  });
});
