import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseReturnTo, withAuthError } from "./return-to.ts";

describe("parseReturnTo", () => {
  it("keeps a same-origin path with its query and fragment", () => {
    // Prepare
    const value = "/ok?x=1#f";
    // Act
    const result = parseReturnTo(value);
    // Assess
    expect(result).toBe("/ok?x=1#f");
  });

  it.each([
    ["a protocol-relative URL", "//evil.example/x"],
    ["a backslash after the slash", "/\\evil.example"],
    ["an absolute https URL", "https://evil.example/"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["an encoded double slash", "%2F%2Fevil.example"],
    ["an encoded slash after the first", "/%2F%2Fevil.example"],
    ["an encoded backslash", "/%5Cevil.example"],
    ["a tab inside", "/\t/evil.example"],
    ["a newline", "/ok\nSet-Cookie: x=1"],
    ["a NUL", "/ok\u0000"],
    ["a relative path", "items"],
    ["an empty string", ""],
    ["a space-prefixed path", " /ok"],
    ["a data: URL", "data:text/html,hi"],
    ["a dot segment that collapses into //", "/.//evil.example"],
    ["a dot-dot segment that collapses into //", "/a/..//evil.example"],
    ["a path longer than 512 characters", `/${"a".repeat(512)}`],
    ["a path that percent-encoding lengthens past 512 characters", `/${"é".repeat(200)}`],
  ])("falls back to / for %s", (_name, value) => {
    // Act
    const result = parseReturnTo(value);
    // Assess
    expect(result).toBe("/");
  });

  it("falls back to / when returnTo is missing", () => {
    expect(parseReturnTo(undefined)).toBe("/");
    expect(parseReturnTo(null)).toBe("/");
  });

  it("normalizes dot segments without leaving the origin", () => {
    expect(parseReturnTo("/a/../b")).toBe("/b");
  });

  it("never returns anything but a single-slash relative path, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (value) => {
        const result = parseReturnTo(value);
        expect(result.startsWith("/")).toBe(true);
        expect(result.startsWith("//")).toBe(false);
        expect(result.startsWith("/\\")).toBe(false);
        expect(new URL(result, "https://app.example").origin).toBe("https://app.example");
      }),
    );
  });
});

describe("withAuthError", () => {
  it("adds the code to the return path", () => {
    expect(withAuthError("/items?page=2", "access_denied")).toBe("/items?page=2&auth_error=access_denied");
  });

  it("replaces a code that is not snake_case by login_failed", () => {
    expect(withAuthError("/", "<script>")).toBe("/?auth_error=login_failed");
  });
});
