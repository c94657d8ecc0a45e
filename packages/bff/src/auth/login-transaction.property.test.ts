import { randomBytes } from "node:crypto";
import { BadRequestError } from "@spa-bff/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LOGIN_COOKIE_PREFIX } from "../http/cookies.ts";
import { createLocalKeyProvider } from "../session/local-key-provider.ts";
import { createSealer } from "../session/sealer.ts";
import { type LoginTransaction, loginCookieName, openLoginTransaction, sealLoginTransaction } from "./login-transaction.ts";

const sealer = createSealer(createLocalKeyProvider({ key: randomBytes(32) }));
const state = fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/);
const transaction = fc.record({
  state,
  nonce: fc.stringMatching(/^[A-Za-z0-9_-]{16,43}$/),
  codeVerifier: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  returnTo: fc.constantFrom("/", "/items", "/items?page=2"),
  createdAt: fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }),
});

async function outcome(fn: () => Promise<LoginTransaction>): Promise<{ value: LoginTransaction } | { error: unknown }> {
  try {
    return { value: await fn() };
  } catch (error) {
    return { error };
  }
}

function expectInvalidState(error: unknown): void {
  expect(error).toBeInstanceOf(BadRequestError);
  expect(error).toMatchObject({ code: "invalid_login_state", status: 400 });
}

describe("login transaction cookie (property)", () => {
  it("names every login cookie with the __Host-login- prefix and a cookie-safe token, whatever the state", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        expect(loginCookieName(value)).toMatch(new RegExp(`^${LOGIN_COOKIE_PREFIX}[A-Za-z0-9_-]{16}$`));
      }),
    );
  });

  it("opens a sealed transaction under its own state and refuses it under any other", async () => {
    await fc.assert(
      fc.asyncProperty(transaction, state, async (tx, otherState) => {
        fc.pre(otherState !== tx.state);
        // Prepare
        const sealed = await sealLoginTransaction(sealer, tx);
        // Act
        const own = await outcome(() => openLoginTransaction(sealer, new Map([[loginCookieName(tx.state), sealed]]), tx.state));
        // The attacker moves the value to the cookie name of a login they started.
        const moved = await outcome(() => openLoginTransaction(sealer, new Map([[loginCookieName(otherState), sealed]]), otherState));
        // Assess
        expect(own).toEqual({ value: tx });
        expect("error" in moved).toBe(true);
        if ("error" in moved) expectInvalidState(moved.error);
      }),
      { numRuns: 200 },
    );
  });

  it("answers a transaction for exactly the callback's state, or invalid_login_state, for any cookies and state", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.oneof(fc.string(), state.map(loginCookieName)), fc.string({ unit: "binary" })), { maxLength: 5 }),
        fc.option(fc.string({ unit: "binary" }), { nil: undefined }),
        async (pairs, callbackState) => {
          // Act
          const result = await outcome(() => openLoginTransaction(sealer, new Map(pairs), callbackState));
          // Assess
          if ("error" in result) expectInvalidState(result.error);
          else expect(result.value.state).toBe(callbackState);
        },
      ),
      { numRuns: 500 },
    );
  });
});
