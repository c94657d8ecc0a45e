import { BadRequestError, createLogger, type IdentifierHash, IdpError, type Logger } from "@spa-bff/core";
import type { Sealer, SessionUser, TokenSet } from "../session/types.ts";
import { type CognitoSignInClient, CognitoSignInError, type CognitoStep } from "./cognito-signin-client.ts";
import { SignInFailedError, SignInLockedError } from "./errors.ts";
import { openPendingSignIn, PENDING_SIGNIN_SECONDS, sealPendingSignIn } from "./pending-signin.ts";
import type { SignInAttempt } from "./rate-limit-policy.ts";
import type { RateLimiter, Reservation } from "./rate-limiter.ts";
import { toTokenSet, userFromIdToken } from "./tokens.ts";

/** What a sign-in step leads to. */
export type SignInResult =
  | {
      kind: "signed_in";
      /** Create a new session with these (never send them to the browser), and clear the sign-in cookie. */
      user: SessionUser;
      tokens: TokenSet;
    }
  | {
      kind: "code_required";
      /** The sealed pending sign-in: the value of the `__Host-bff-signin` cookie, never a JSON field. */
      pending: string;
      pendingMaxAgeSeconds: number;
      /** The masked address the code went to; safe to show. */
      destination?: string;
      /**
       * True when this follows a wrong code: Cognito asked again, and the
       * Create trigger sent a new code (the old one no longer works).
       */
      retry: boolean;
    };

export interface SignInService {
  /** `POST /auth/signin {username, password}`: the password step. */
  start(input: { username: unknown; password: unknown; ip: string }, now?: number): Promise<SignInResult>;
  /** `POST /auth/signin/code {code}` with the pending cookie: the code step. */
  answer(input: { code: unknown; pending: string | undefined; ip: string }, now?: number): Promise<SignInResult>;
}

export interface SignInServiceDeps {
  cognito: CognitoSignInClient;
  rateLimiter: RateLimiter;
  /** The BFF's sealer (the same envelope as sessions); seals Cognito's session into the cookie. */
  sealer: Sealer;
  /** Epoch seconds. */
  clock?: () => number;
  logger?: Logger;
  /** Keyed hash of the identifiers in log lines (`IDENTIFIER_HASH_KEY`). */
  hash: IdentifierHash;
}

/** Message when the code step cannot continue: three wrong codes, or Cognito's 3-minute session ran out. */
export const CODE_FAILED_MESSAGE = "The code was wrong too many times or has expired. Sign in again.";

const MAX_USERNAME = 128;
const MAX_PASSWORD = 256;

/**
 * The branded sign-in with a second factor: the decisions between Cognito
 * and the HTTP layer. It counts failures per user name and per IP and
 * refuses locked ones before calling Cognito; answers unknown users, wrong
 * passwords and wrong codes with one message; and keeps Cognito's `Session`
 * sealed in a cookie value it hands back, so JavaScript never holds it.
 *
 * @example
 * const signIn = createSignInService({ cognito, rateLimiter, sealer });
 * const result = await signIn.start({ username, password, ip: event.requestContext.http.sourceIp });
 * if (result.kind === "code_required") setCookie(SIGNIN_COOKIE_NAME, result.pending, result.pendingMaxAgeSeconds);
 */
export function createSignInService(deps: SignInServiceDeps): SignInService {
  const clock = deps.clock ?? (() => Math.floor(Date.now() / 1000));
  const logger = deps.logger ?? createLogger("bff");
  const identify = deps.hash;

  /** Reserves this attempt's place before Cognito sees it; a full counter refuses it at once (429). */
  async function reserve(attempt: SignInAttempt, now: number): Promise<Reservation & { ok: true }> {
    const reservation = await deps.rateLimiter.reserve(attempt, now);
    if (!reservation.ok) {
      logger.warn("sign-in refused: too many attempts", { user: identify("user", attempt.user) });
      throw new SignInLockedError(reservation.retryAfterSeconds);
    }
    return reservation;
  }

  /** A refused attempt: 401, or 429 when it used the last place, so the user learns to wait instead of trying again. */
  function fail(reservation: Reservation & { ok: true }, message?: string, restart = false): never {
    if (reservation.lastPlace) throw new SignInLockedError(reservation.retryAfterSeconds);
    throw new SignInFailedError(message, restart ? { details: { restart: true } } : {});
  }

  async function toResult(step: CognitoStep, attempt: SignInAttempt, now: number, retry: boolean): Promise<SignInResult> {
    if (step.kind === "tokens") {
      const result: SignInResult = { kind: "signed_in", tokens: toTokenSet(step.result, now), user: userFromIdToken(step.result.IdToken) };
      await deps.rateLimiter.forgive(attempt, now);
      logger.info("sign-in succeeded", { user: identify("sub", result.user.sub) });
      return result;
    }
    const pending = await sealPendingSignIn(deps.sealer, {
      username: step.username,
      session: step.session,
      ...(step.destination ? { destination: step.destination } : {}),
      expiresAt: now + PENDING_SIGNIN_SECONDS,
    });
    return {
      kind: "code_required",
      pending,
      pendingMaxAgeSeconds: PENDING_SIGNIN_SECONDS,
      retry,
      ...(step.destination ? { destination: step.destination } : {}),
    };
  }

  return {
    async start(input, now = clock()) {
      const username = requiredString(input.username, "username", MAX_USERNAME).trim();
      const password = requiredString(input.password, "password", MAX_PASSWORD);
      const attempt: SignInAttempt = { user: username, ip: input.ip };
      const reservation = await reserve(attempt, now);
      let step: CognitoStep;
      try {
        step = await deps.cognito.startWithPassword(username, password);
      } catch (error) {
        return handleCognitoError(error, attempt, now, () => fail(reservation));
      }
      // The password was right: only failures count, so its place goes back (the code step reserves its own).
      if (step.kind === "code") await deps.rateLimiter.release(attempt, now);
      return toResult(step, attempt, now, false);
    },

    async answer(input, now = clock()) {
      const pending = await openPendingSignIn(deps.sealer, input.pending, now);
      const code = typeof input.code === "string" ? input.code.trim() : "";
      if (!/^\d{6}$/.test(code)) throw new BadRequestError('"code" must be the 6 digits from the email');
      const attempt: SignInAttempt = { user: pending.username, ip: input.ip };
      const reservation = await reserve(attempt, now);
      let step: CognitoStep;
      try {
        step = await deps.cognito.answerCode(pending.username, pending.session, code);
      } catch (error) {
        // Cognito ends the flow after the third wrong code or when its session expires: start again.
        return handleCognitoError(error, attempt, now, () => fail(reservation, CODE_FAILED_MESSAGE, true));
      }
      if (step.kind === "code") {
        // Cognito asked again: the code was wrong, and a new one is on its way.
        logger.info("sign-in code incorrect", { user: identify("user", pending.username) });
        if (reservation.lastPlace) throw new SignInLockedError(reservation.retryAfterSeconds);
      }
      return toResult(step, attempt, now, step.kind === "code");
    },
  };

  async function handleCognitoError(error: unknown, attempt: SignInAttempt, now: number, onRejected: () => never): Promise<never> {
    if (error instanceof CognitoSignInError) {
      logger.info("sign-in refused by Cognito", {
        reason: error.reason,
        cause: error.cause instanceof Error ? error.cause.name : undefined,
      });
      if (error.reason === "rejected") return onRejected();
    } else {
      logger.error("sign-in failed", { errorName: error instanceof Error ? error.name : typeof error });
    }
    // No verdict on the attempt (Cognito throttled us, or is unreachable): its place goes back.
    await deps.rateLimiter.release(attempt, now).catch(() => undefined);
    if (error instanceof CognitoSignInError && error.reason === "throttled") throw new SignInLockedError(60, { cause: error });
    throw new IdpError(undefined, { cause: error });
  }
}

function requiredString(value: unknown, name: string, max: number): string {
  if (typeof value !== "string" || value.trim() === "" || value.length > max) {
    throw new BadRequestError(`"${name}" must be a non-empty string of at most ${max} characters`);
  }
  return value;
}
