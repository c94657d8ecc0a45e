import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clearCookie, parseCookies, SESSION_COOKIE, serializeCookie } from "./cookies.ts";

describe("parseCookies", () => {
  it("reads payload 2.0 cookies", () => {
    // Act
    const cookies = parseCookies(["__Host-session=abc", "theme=dark"]);
    // Assess
    expect(cookies.get("__Host-session")).toBe("abc");
    expect(cookies.get("theme")).toBe("dark");
  });

  it("reads a Cookie header when the event has no cookies array", () => {
    expect(parseCookies(undefined, "a=1; b=2").get("b")).toBe("2");
  });

  it("keeps the first of two cookies with one name", () => {
    expect(parseCookies(["a=first", "a=second"]).get("a")).toBe("first");
  });

  it("skips malformed pairs instead of throwing", () => {
    const cookies = parseCookies(["novalue", "=x", "ok=1"]);
    expect([...cookies.keys()]).toEqual(["ok"]);
  });

  it("never throws, whatever the header", () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.string(), (entries, header) => {
        expect(parseCookies(entries, header)).toBeInstanceOf(Map);
      }),
    );
  });
});

describe("serializeCookie", () => {
  it("sets HttpOnly, Secure, SameSite=Lax, Path=/ and no Domain", () => {
    // Act
    const cookie = serializeCookie(SESSION_COOKIE, "abc", { maxAge: 28800 });
    // Assess
    expect(cookie).toBe("__Host-session=abc; Max-Age=28800; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(cookie).not.toMatch(/Domain/i);
  });

  it("clears a cookie with Max-Age=0 and the same attributes", () => {
    expect(clearCookie(SESSION_COOKIE)).toBe("__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
  });

  it("refuses a value that would need escaping", () => {
    expect(() => serializeCookie("a", "x; Domain=evil", { maxAge: 1 })).toThrowError(TypeError);
  });
});
