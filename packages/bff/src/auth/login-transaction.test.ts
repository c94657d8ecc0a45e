import { randomBytes } from "node:crypto";
import { BadRequestError, SessionStoreError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { createLocalKeyProvider, createSealer } from "../session/index.ts";
import type { Sealer } from "../session/types.ts";
import { type LoginTransaction, loginCookieName, openLoginTransaction, sealLoginTransaction } from "./login-transaction.ts";

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
