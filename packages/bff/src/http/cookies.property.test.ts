import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/fixtures.ts";
import { clearCookie, parseCookies, SESSION_COOKIE, serializeCookie } from "./cookies.ts";

const tokenName = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,24}$/);
const safeValue = fc.stringMatching(/^[A-Za-z0-9._~-]{0,64}$/);

describe("parseCookies (property)", () => {
  it("never throws and yields only trimmed, non-empty names without separators, whatever the entries and header", () => {
    fc.assert(
      fc.property(
        fc.option(fc.array(fc.string({ unit: "binary" })), { nil: undefined }),
        fc.option(fc.string({ unit: "binary" }), { nil: undefined }),
        (entries, header) => {
          // Act
          const cookies = parseCookies(entries, header);
          // Assess
          for (const [name, value] of cookies) {
            expect(name.length).toBeGreaterThan(0);
            expect(name).toBe(name.trim());
            expect(name).not.toMatch(/[;=]/);
            expect(value).not.toContain(";");
          }
        },
      ),
    );
  });

  it("keeps the first value of every name, in header and array form alike", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(tokenName, safeValue), { minLength: 1, maxLength: 30 }), (pairs) => {
        // Prepare
        const first = new Map<string, string>();
        for (const [name, value] of pairs) if (!first.has(name)) first.set(name, value);
        const header = pairs.map(([name, value]) => `${name}=${value}`).join("; ");
        // Act
        const fromHeader = parseCookies(undefined, header);
        const fromArray = parseCookies(pairs.map(([name, value]) => `${name}=${value}`));
        // Assess
        expect(fromHeader).toEqual(first);
        expect(fromArray).toEqual(first);
      }),
    );
  });

  it("lets no other cookie's text change the session cookie that comes first", () => {
    fc.assert(
      fc.property(safeValue, fc.array(fc.string()), (sessionId, noise) => {
        // Act
        const cookies = parseCookies([`${SESSION_COOKIE}=${sessionId}`, ...noise]);
        // Assess
        expect(cookies.get(SESSION_COOKIE)).toBe(sessionId);
      }),
    );
  });
});

describe("serializeCookie (property)", () => {
  it("round-trips every token-safe value through parseCookies, with the __Host- attributes", () => {
    fc.assert(
      fc.property(tokenName, safeValue, fc.nat({ max: 10_000_000 }), (name, value, maxAge) => {
        // Act
        const line = serializeCookie(name, value, { maxAge });
        // Assess
        expect(line).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=(Lax|Strict)$/);
        expect(line).not.toMatch(/domain=|[\r\n]/i);
        const pair = line.split(";")[0] ?? "";
        expect(parseCookies([pair]).get(name) ?? "").toBe(value);
      }),
    );
  });

  it("refuses with a TypeError any value that could inject an attribute or a header line", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }).filter((value) => !/^[A-Za-z0-9._~-]*$/.test(value)),
        (value) => {
          // Act
          const error = thrown(() => serializeCookie(SESSION_COOKIE, value, { maxAge: 1 }));
          // Assess
          expect(error).toBeInstanceOf(TypeError);
          expect((error as Error).message).toBe('"value" must be base64url or similar');
        },
      ),
    );
  });

  it("clears any cookie with Max-Age=0 and the attributes it was set with", () => {
    fc.assert(
      fc.property(tokenName, (name) => {
        expect(clearCookie(name)).toBe(`${name}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax`);
      }),
    );
  });
});
