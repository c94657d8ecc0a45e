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
 * How many logins one browser may have in flight, each in its own cookie.
 * A new login past it evicts the oldest (as mod_auth_openidc's
 * `OIDCStateMaxNumberOfCookies` does), so any number of `/auth/login` calls,
 * even ones a cross-site page triggers, keeps the request headers a few KB.
 */
export const MAX_LOGIN_COOKIES = 3;

/**
 * One cookie per login, named by a hash of its `state`, so two logins
 * started in two tabs each find their own transaction.
 */
export function loginCookieName(state: string): string {
  return `${LOGIN_COOKIE_PREFIX}${createHash("sha256").update(state).digest("base64url").slice(0, 16)}`;
}

/**
 * Seals a transaction for its cookie; the cookie name is the associated
 * data, so a value cannot move to another login's cookie. The value starts
 * with the creation time in clear (`<base36 seconds>~<envelope>`) so the
 * oldest login can be evicted without opening every cookie; a forged time
 * only changes which of the browser's own logins goes first.
 */
export async function sealLoginTransaction(sealer: Sealer, transaction: LoginTransaction): Promise<string> {
  const sealed = await sealer.seal(new TextEncoder().encode(JSON.stringify(transaction)), loginCookieName(transaction.state));
  return `${transaction.createdAt.toString(36)}~${sealed}`;
}

/**
 * The login cookies a new login must clear so that, with its own, at most
 * {@link MAX_LOGIN_COOKIES} remain: the oldest first, and any whose value
 * this service did not write.
 */
export function loginCookiesToEvict(cookies: ReadonlyMap<string, string>): string[] {
  const logins: Array<{ name: string; createdAt: number }> = [];
  const evict: string[] = [];
  for (const [name, value] of cookies) {
    if (!name.startsWith(LOGIN_COOKIE_PREFIX)) continue;
    const createdAt = createdAtOf(value);
    if (createdAt === undefined) evict.push(name);
    else logins.push({ name, createdAt });
  }
  logins.sort((a, b) => a.createdAt - b.createdAt);
  const excess = logins.length - (MAX_LOGIN_COOKIES - 1);
  return [...evict, ...logins.slice(0, Math.max(0, excess)).map(({ name }) => name)];
}

function createdAtOf(value: string): number | undefined {
  const match = /^([0-9a-z]{1,10})~/.exec(value);
  return match?.[1] ? Number.parseInt(match[1], 36) : undefined;
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
  const value = cookies.get(loginCookieName(state));
  if (!value) throw invalidState("No login is in progress for this state");
  const envelope = value.slice(value.indexOf("~") + 1);
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
