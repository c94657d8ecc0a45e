import type { FileCredentials } from "../files/credentials.ts";
import type { SessionKey } from "./session-id.ts";
import type { StoredSession, TouchUpdate } from "./session-store.ts";
import type { Session, SessionPolicy, SessionUser, SignInMethod, TokenSet } from "./types.ts";

/**
 * The rules of a session, as pure functions over stored records: deadlines,
 * expiry, when to touch, and the (de)serialization of the sealed tokens.
 * Storage is elsewhere (session-store.ts); sessions.ts puts the two together.
 */

/** The deadlines of a session created at `createdAt` and last active at `now`; the idle one never passes the absolute one. */
export function deadlines(createdAt: number, now: number, policy: SessionPolicy): { idleExpiresAt: number; absoluteExpiresAt: number } {
  const absoluteExpiresAt = createdAt + policy.absoluteSeconds;
  return { idleExpiresAt: Math.min(now + policy.idleSeconds, absoluteExpiresAt), absoluteExpiresAt };
}

/** Expiry is enforced on every read: DynamoDB's TTL sweeper may lag by hours. */
export function isExpired(session: { idleExpiresAt: number; absoluteExpiresAt: number }, now: number): boolean {
  return now >= session.idleExpiresAt || now >= session.absoluteExpiresAt;
}

/** When DynamoDB's TTL may sweep the record: its earliest deadline. */
export function sweepAt(session: { idleExpiresAt: number; absoluteExpiresAt: number }): number {
  return Math.min(session.idleExpiresAt, session.absoluteExpiresAt);
}

/** What a new record needs besides its deadlines: where it lives, its handle, and the login's facts. */
export interface NewRecord {
  key: SessionKey;
  handle: string;
  user: SessionUser;
  signInMethod: SignInMethod;
  device: string;
  idpSession?: string;
}

/** A brand-new record for a login at `now`, its tokens already sealed. */
export function newStoredSession(record: NewRecord, sealedTokens: string, now: number, policy: SessionPolicy): StoredSession {
  return {
    ...record,
    user: { ...record.user },
    tokens: sealedTokens,
    createdAt: now,
    touchedAt: now,
    ...deadlines(now, now, policy),
    version: 1,
  };
}

/**
 * The associated data a session's tokens are sealed under: where they are
 * stored, so a sealed value copied into another session's item never opens.
 * Not a secret: confidentiality rests on the data key (KMS), which is also
 * why the BFF can open another session of the same user to revoke its
 * refresh token when the user logs out everywhere.
 */
export function tokensAad(key: SessionKey): string {
  return `session:${key.pk}/${key.sk}`;
}

/**
 * The touch a request at `now` should write, or `undefined`: the idle
 * deadline slides at most once per `touchIntervalSeconds`, never past the
 * absolute one, and never for an expired session.
 */
export function plannedTouch(session: Session, now: number, policy: SessionPolicy): TouchUpdate | undefined {
  if (now - session.touchedAt < policy.touchIntervalSeconds || isExpired(session, now)) return undefined;
  const idleExpiresAt = Math.min(now + policy.idleSeconds, session.absoluteExpiresAt);
  if (idleExpiresAt <= session.idleExpiresAt) return undefined;
  return { touchedAt: now, idleExpiresAt, ttl: sweepAt({ idleExpiresAt, absoluteExpiresAt: session.absoluteExpiresAt }) };
}

/** The session a caller sees: the raw id (never stored) with the stored record and its opened tokens. */
export function toSession(id: string, stored: StoredSession, tokens: TokenSet): Session {
  return {
    id,
    key: stored.key,
    handle: stored.handle,
    user: stored.user,
    tokens,
    signInMethod: stored.signInMethod,
    device: stored.device,
    createdAt: stored.createdAt,
    touchedAt: stored.touchedAt,
    idleExpiresAt: stored.idleExpiresAt,
    absoluteExpiresAt: stored.absoluteExpiresAt,
    version: stored.version,
    ...(stored.lease ? { lease: { ...stored.lease } } : {}),
  };
}

/** Rejects a policy that cannot work (a zero or fractional interval). */
export function isValidPolicy(policy: SessionPolicy): boolean {
  return (["idleSeconds", "absoluteSeconds", "touchIntervalSeconds"] as const).every(
    (name) => Number.isInteger(policy?.[name]) && policy[name] > 0,
  );
}

/** Serializes tokens for sealing: known fields only, so nothing unexpected is ever sealed or stored. */
export function encodeTokens(tokens: TokenSet): Uint8Array {
  const copy: TokenSet = { accessToken: tokens.accessToken, accessTokenExpiresAt: tokens.accessTokenExpiresAt };
  if (tokens.refreshToken !== undefined) copy.refreshToken = tokens.refreshToken;
  if (tokens.idToken !== undefined) copy.idToken = tokens.idToken;
  if (tokens.scope !== undefined) copy.scope = tokens.scope;
  if (tokens.fileCredentials !== undefined) copy.fileCredentials = copyFileCredentials(tokens.fileCredentials);
  return new TextEncoder().encode(JSON.stringify(copy));
}

/** Parses opened tokens, or `undefined` when they are not a `TokenSet`. */
export function decodeTokens(bytes: Uint8Array): TokenSet | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  if (typeof raw.accessToken !== "string" || typeof raw.accessTokenExpiresAt !== "number" || !Number.isFinite(raw.accessTokenExpiresAt)) {
    return undefined;
  }
  const tokens: TokenSet = { accessToken: raw.accessToken, accessTokenExpiresAt: raw.accessTokenExpiresAt };
  for (const field of ["refreshToken", "idToken", "scope"] as const) {
    const v = raw[field];
    if (typeof v === "string") tokens[field] = v;
    else if (v !== undefined) return undefined;
  }
  if (raw.fileCredentials !== undefined) {
    const files = readFileCredentials(raw.fileCredentials);
    if (!files) return undefined;
    tokens.fileCredentials = files;
  }
  return tokens;
}

function copyFileCredentials(creds: FileCredentials): FileCredentials {
  return {
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    ...(creds.sessionToken !== undefined ? { sessionToken: creds.sessionToken } : {}),
    expiresAt: creds.expiresAt,
  };
}

function readFileCredentials(value: unknown): FileCredentials | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  if (typeof raw.accessKeyId !== "string" || typeof raw.secretAccessKey !== "string") return undefined;
  if (typeof raw.expiresAt !== "number" || !Number.isFinite(raw.expiresAt)) return undefined;
  if (raw.sessionToken !== undefined && typeof raw.sessionToken !== "string") return undefined;
  return copyFileCredentials(raw as unknown as FileCredentials);
}
