import { createHash } from "node:crypto";
import { BadRequestError, ErrorCodes } from "@spa-bff/core";
import { LOGIN_COOKIE_PREFIX } from "../http/cookies.ts";
import type { Sealer } from "../session/types.ts";

/** A login in flight: what the callback must check, bound to the browser that started it. */
export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** Epoch seconds. */
  createdAt: number;
}

/** How long a login may take between /auth/login and /auth/callback. */
export const LOGIN_TRANSACTION_SECONDS = 600;

/**
 * One cookie per login, named by a hash of its `state`, so two logins
 * started in two tabs each find their own transaction.
 */
export function loginCookieName(state: string): string {
  return `${LOGIN_COOKIE_PREFIX}${createHash("sha256").update(state).digest("base64url").slice(0, 16)}`;
}

/** Seals a transaction for its cookie; the cookie name is the associated data, so a value cannot move to another login's cookie. */
export async function sealLoginTransaction(sealer: Sealer, transaction: LoginTransaction): Promise<string> {
  return sealer.seal(new TextEncoder().encode(JSON.stringify(transaction)), loginCookieName(transaction.state));
}

/**
 * The transaction that started this callback's login. No cookie, a cookie
 * that does not open, or a state that does not match means there is no
 * trustworthy login: `invalid_login_state`, and no session is created.
 * Key-provider outages (`SessionStoreError`) pass through as 503.
 */
export async function openLoginTransaction(
  sealer: Sealer,
  cookies: ReadonlyMap<string, string>,
  state: string | undefined,
): Promise<LoginTransaction> {
  if (!state || state.length > 512) throw invalidState('"state" is missing');
  const envelope = cookies.get(loginCookieName(state));
  if (!envelope) throw invalidState("No login is in progress for this state");
  let transaction: unknown;
  try {
    const plaintext = await sealer.open(envelope, loginCookieName(state));
    transaction = JSON.parse(new TextDecoder().decode(plaintext));
  } catch (error) {
    if (error instanceof Error && error.name === "SessionStoreError") throw error;
    throw invalidState("The login cookie is not valid");
  }
  if (!isLoginTransaction(transaction) || transaction.state !== state) throw invalidState("The login cookie does not match this state");
  return transaction;
}

function isLoginTransaction(value: unknown): value is LoginTransaction {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.state === "string" &&
    typeof v.nonce === "string" &&
    typeof v.codeVerifier === "string" &&
    typeof v.returnTo === "string" &&
    typeof v.createdAt === "number"
  );
}

function invalidState(message: string): BadRequestError {
  return new BadRequestError(message, { code: ErrorCodes.invalidLoginState });
}
