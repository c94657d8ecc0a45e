import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { FileCredentials } from "../files/credentials.ts";
import type { SessionPolicy, SessionUser, TokenSet } from "./types.ts";

type Item = Record<string, AttributeValue>;

/** A session item as stored, before its tokens are opened. */
export interface StoredSession {
  pk: string;
  user: SessionUser;
  /** The sealed `TokenSet` (aad = raw session id). */
  tokens: string;
  createdAt: number;
  touchedAt: number;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  version: number;
}

/** The deadlines of a session created or touched at `now`; the idle one never passes the absolute one. */
export function deadlines(createdAt: number, now: number, policy: SessionPolicy): { idleExpiresAt: number; absoluteExpiresAt: number } {
  const absoluteExpiresAt = createdAt + policy.absoluteSeconds;
  return { idleExpiresAt: Math.min(now + policy.idleSeconds, absoluteExpiresAt), absoluteExpiresAt };
}

/** Expiry is enforced on every read: DynamoDB's TTL sweeper may lag by hours. */
export function isExpired(session: { idleExpiresAt: number; absoluteExpiresAt: number }, now: number): boolean {
  return now >= session.idleExpiresAt || now >= session.absoluteExpiresAt;
}

/** The DynamoDB item for a session; claims in clear for `/auth/session`, tokens only sealed. */
export function toItem(session: StoredSession): Item {
  const user: Item = { sub: { S: session.user.sub } };
  for (const field of ["name", "email", "username"] as const) {
    const value = session.user[field];
    if (typeof value === "string") user[field] = { S: value };
  }
  return {
    pk: { S: session.pk },
    sub: { S: session.user.sub },
    user: { M: user },
    tokens: { S: session.tokens },
    createdAt: num(session.createdAt),
    touchedAt: num(session.touchedAt),
    idleExpiresAt: num(session.idleExpiresAt),
    absoluteExpiresAt: num(session.absoluteExpiresAt),
    ttl: num(Math.min(session.idleExpiresAt, session.absoluteExpiresAt)),
    version: num(session.version),
  };
}

/** Reads a stored item, or `undefined` when any attribute is missing or of the wrong type. */
export function fromItem(item: Item | undefined): StoredSession | undefined {
  if (!item) return undefined;
  const user = item.user?.M;
  const sub = user?.sub?.S;
  const pk = item.pk?.S;
  const tokens = item.tokens?.S;
  const numbers = ["createdAt", "touchedAt", "idleExpiresAt", "absoluteExpiresAt", "version"].map((name) => readNumber(item[name]));
  const [createdAt, touchedAt, idleExpiresAt, absoluteExpiresAt, version] = numbers;
  if (
    !user ||
    !sub ||
    !pk ||
    !tokens ||
    createdAt === undefined ||
    touchedAt === undefined ||
    idleExpiresAt === undefined ||
    absoluteExpiresAt === undefined ||
    version === undefined
  ) {
    return undefined;
  }
  const claims: SessionUser = { sub };
  for (const field of ["name", "email", "username"] as const) {
    const value = user[field]?.S;
    if (value !== undefined) claims[field] = value;
  }
  return { pk, user: claims, tokens, createdAt, touchedAt, idleExpiresAt, absoluteExpiresAt, version };
}

/** Serializes tokens for sealing. */
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

function num(value: number): AttributeValue {
  return { N: String(value) };
}

function readNumber(value: AttributeValue | undefined): number | undefined {
  if (value?.N === undefined) return undefined;
  const n = Number(value.N);
  return Number.isFinite(n) ? n : undefined;
}
