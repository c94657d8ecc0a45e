import { BadRequestError, ErrorCodes } from "@spa-bff/core";
import type { Sealer } from "../session/types.ts";

/** The cookie that carries a sign-in between the password and the code (HttpOnly, Secure, SameSite=Strict, Path=/: the `__Host-` prefix demands Path=/). */
export const SIGNIN_COOKIE_NAME = "__Host-bff-signin";

/**
 * Cognito's custom-auth `Session` lasts 3 minutes per step; the cookie lives
 * a little longer so an expired Cognito session is reported by Cognito.
 */
export const PENDING_SIGNIN_SECONDS = 300;

/** A sign-in waiting for its code. Only ever sealed: the Cognito session is a bearer secret. */
export interface PendingSignIn {
  /** Canonical user name (`USER_ID_FOR_SRP`). */
  username: string;
  /** Cognito's `Session` for the next `RespondToAuthChallenge`. */
  session: string;
  /** The masked address the code went to. */
  destination?: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** Seals a pending sign-in for its cookie; the cookie name is the associated data. */
export async function sealPendingSignIn(sealer: Sealer, pending: PendingSignIn): Promise<string> {
  return sealer.seal(new TextEncoder().encode(JSON.stringify(pending)), SIGNIN_COOKIE_NAME);
}

/**
 * Opens the cookie of a sign-in in progress. A missing, forged, foreign or
 * expired one means there is none: `invalid_login_state` (400), so the SPA
 * returns to the password form. Key-provider outages pass through as 503.
 */
export async function openPendingSignIn(sealer: Sealer, envelope: string | undefined, now: number): Promise<PendingSignIn> {
  if (!envelope || envelope.length > 8192) throw noSignIn();
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(await sealer.open(envelope, SIGNIN_COOKIE_NAME)));
  } catch (error) {
    if (error instanceof Error && error.name === "SessionStoreError") throw error;
    throw noSignIn();
  }
  if (!isPendingSignIn(value) || value.expiresAt <= now) throw noSignIn();
  return value;
}

function isPendingSignIn(value: unknown): value is PendingSignIn {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.username === "string" &&
    typeof v.session === "string" &&
    typeof v.expiresAt === "number" &&
    (v.destination === undefined || typeof v.destination === "string")
  );
}

function noSignIn(): BadRequestError {
  return new BadRequestError("No sign-in is in progress. Sign in again.", { code: ErrorCodes.invalidLoginState });
}
