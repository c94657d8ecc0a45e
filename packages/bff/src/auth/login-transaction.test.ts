import { randomBytes } from "node:crypto";
import { BadRequestError, SessionStoreError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { createLocalKeyProvider, createSealer } from "../session/index.ts";
import type { Sealer } from "../session/types.ts";
import {
  type LoginTransaction,
  loginCookieName,
  loginCookiesToEvict,
  MAX_LOGIN_COOKIES,
  openLoginTransaction,
  sealLoginTransaction,
} from "./login-transaction.ts";

const sealer = createSealer(createLocalKeyProvider({ key: randomBytes(32) }));
const transaction: LoginTransaction = { state: "state-1", nonce: "nonce-1", codeVerifier: "verifier-1", returnTo: "/items", createdAt: 1 };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("login transaction cookie", () => {
  it("opens what it sealed, for the same state", async () => {
    // Prepare
    const cookies = new Map([[loginCookieName("state-1"), await sealLoginTransaction(sealer, transaction)]]);
    // Act
    const opened = await openLoginTransaction(sealer, cookies, "state-1");
    // Assess
    expect(opened).toEqual(transaction);
  });

  it("names the cookie by a hash of the state, not the state itself", () => {
    expect(loginCookieName("state-1")).toMatch(/^__Host-login-[A-Za-z0-9_-]{16}$/);
    expect(loginCookieName("state-1")).not.toContain("state-1");
    expect(loginCookieName("state-2")).not.toBe(loginCookieName("state-1"));
  });

  it.each([
    ["no state", undefined, async () => new Map<string, string>()],
    ["no cookie for the state", "state-1", async () => new Map<string, string>()],
    ["a garbage cookie", "state-1", async () => new Map([[loginCookieName("state-1"), "v1.garbage"]])],
    [
      "another login's cookie under this state's name",
      "state-2",
      async () => new Map([[loginCookieName("state-2"), await sealLoginTransaction(sealer, transaction)]]),
    ],
  ])("refuses %s with invalid_login_state", async (_name, state, cookies) => {
    // Act
    const error = await rejection(openLoginTransaction(sealer, await cookies(), state));
    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: "invalid_login_state", status: 400 });
  });

  it("passes a key-provider outage through as SessionStoreError", async () => {
    // Prepare
    const down: Sealer = { seal: () => Promise.reject(new SessionStoreError()), open: () => Promise.reject(new SessionStoreError()) };
    // Act
    const error = await rejection(openLoginTransaction(down, new Map([[loginCookieName("s"), "v1.a.b.c"]]), "s"));
    // Assess
    expect(error).toBeInstanceOf(SessionStoreError);
  });
});

describe("login cookies of one browser", () => {
  const value = (createdAt: number) => `${createdAt.toString(36)}~v1.sealed`;

  it("keeps room for a new login by evicting the oldest past MAX_LOGIN_COOKIES - 1", () => {
    // Prepare
    const cookies = new Map([
      ["__Host-session", "not a login"],
      [loginCookieName("c"), value(300)],
      [loginCookieName("a"), value(100)],
      [loginCookieName("b"), value(200)],
      [loginCookieName("d"), value(400)],
    ]);
    // Act
    const evicted = loginCookiesToEvict(cookies);
    // Assess
    expect(evicted).toEqual([loginCookieName("a"), loginCookieName("b")]);
    const remaining = [...cookies.keys()].filter((name) => name.startsWith("__Host-login-") && !evicted.includes(name));
    expect(remaining.length + 1).toBe(MAX_LOGIN_COOKIES);
  });

  it("evicts nothing while there is room, and any login cookie this service did not write", () => {
    // Act / Assess
    expect(loginCookiesToEvict(new Map([[loginCookieName("a"), value(100)]]))).toEqual([]);
    expect(loginCookiesToEvict(new Map([[loginCookieName("x"), "v1.no-time-prefix"]]))).toEqual([loginCookieName("x")]);
  });

  it("seals a small value: the creation time, then the envelope, well under a kilobyte with the longest returnTo", async () => {
    // Prepare
    const longest = { ...transaction, returnTo: `/${"a".repeat(511)}`, createdAt: 1_800_000_000 };
    // Act
    const sealed = await sealLoginTransaction(sealer, longest);
    // Assess
    expect(sealed.startsWith(`${(1_800_000_000).toString(36)}~v1.`)).toBe(true);
    expect(sealed.length).toBeLessThan(1200);
    expect(await openLoginTransaction(sealer, new Map([[loginCookieName(longest.state), sealed]]), longest.state)).toEqual(longest);
  });
});
