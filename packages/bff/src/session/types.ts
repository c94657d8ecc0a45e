import type { FileCredentials } from "../files/credentials.ts";
import type { SessionKey } from "./session-id.ts";

/**
 * The seam between the BFF's HTTP layer (routes, OIDC, proxy) and its session
 * layer (envelope encryption, key providers, DynamoDB store). All times are
 * epoch seconds and are passed in, so expiry logic is tested with a fixed clock.
 */

/** Tokens as the BFF keeps them; they live only inside the encrypted envelope. */
export interface TokenSet {
  accessToken: string;
  /** Epoch seconds at which the access token expires. */
  accessTokenExpiresAt: number;
  refreshToken?: string;
  idToken?: string;
  scope?: string;
  /**
   * Federated AWS credentials for the user's file routes, cached until shortly
   * before they expire. Sealed with the tokens, never sent to the browser.
   */
  fileCredentials?: FileCredentials;
}

/** The claims `/auth/session` answers with; stored in clear beside the envelope. */
export interface SessionUser {
  sub: string;
  name?: string;
  email?: string;
  username?: string;
}

/** How the user proved who they are, as `/auth/session` and the sessions list report it. */
export type SignInMethod = "password" | "password_and_code" | "federated";

export interface Session {
  /** The raw session id: only ever in the cookie and in memory, never logged or stored. */
  readonly id: string;
  /** Where it is stored (its user's partition); derived from the id. */
  readonly key: SessionKey;
  /** The opaque handle the sessions list shows for it. */
  readonly handle: string;
  readonly user: SessionUser;
  readonly tokens: TokenSet;
  readonly signInMethod: SignInMethod;
  /** A short summary of the browser that signed in ("Firefox on Linux"). */
  readonly device: string;
  readonly createdAt: number;
  /** Last time the idle deadline was written (throttled by `touchIntervalSeconds`). */
  readonly touchedAt: number;
  readonly idleExpiresAt: number;
  readonly absoluteExpiresAt: number;
  /** Optimistic-concurrency version; every write requires the version read. */
  readonly version: number;
  /** A token refresh in progress on some instance, as read. */
  readonly lease?: { readonly until: number; readonly owner: string };
}

/** What a login hands over to start a session. */
export interface NewSession {
  user: SessionUser;
  tokens: TokenSet;
  signInMethod: SignInMethod;
  /** From the User-Agent; see `describeDevice`. */
  device: string;
  /** The IdP's session id (the ID token's `sid`), so back-channel logout can find this session. Cognito sends none. */
  idpSessionId?: string;
}

export interface SessionPolicy {
  idleSeconds: number;
  absoluteSeconds: number;
  /** The sliding idle deadline is written at most once per this many seconds. */
  touchIntervalSeconds: number;
}

export type UpdateResult = { ok: true; session: Session } | { ok: false; current: Session | undefined };

export interface SessionService {
  /** Creates a brand-new session with a fresh random id (256 bits) in its user's partition. */
  create(input: NewSession, now: number): Promise<Session>;
  /**
   * The live session for a cookie value, or `undefined` when unknown, expired
   * (idle or absolute, whatever the TTL sweeper has not yet removed) or not
   * decryptable where it is stored. One strongly consistent read. Throws
   * `SessionStoreError` when DynamoDB or the key provider fails, so an
   * outage never looks like a logout.
   */
  get(id: string, now: number): Promise<Session | undefined>;
  /** Slides the idle deadline if the last write is older than the touch interval; otherwise returns the session unchanged. */
  touchIfDue(session: Session, now: number): Promise<Session>;
  /**
   * Replaces the tokens if the stored version is still `session.version`
   * (and, with `leaseOwner`, that refresh still holds the lease); otherwise
   * reports the current session.
   */
  updateTokens(session: Session, tokens: TokenSet, now: number, leaseOwner?: string): Promise<UpdateResult>;
  /** Takes the refresh lease of a session still at its version (`false` when another instance holds it). */
  takeRefreshLease(session: Session, owner: string, until: number, now: number): Promise<boolean>;
  /** Gives back a lease after a refresh that brought no tokens. */
  releaseRefreshLease(session: Session, owner: string): Promise<void>;
  /**
   * For a cookie whose session `get` did not find: whether it was ended on
   * purpose from elsewhere (and not yet past its absolute lifetime), so the
   * browser can be told why. One strongly consistent read, on that path only.
   */
  endedElsewhere(id: string, now: number): Promise<boolean>;
  /** Deletes the session only while it is still at `session.version` (`false` when another instance wrote first). */
  deleteIfUnchanged(session: Session): Promise<boolean>;
  delete(id: string): Promise<void>;
}

/** Context bound into every data key (KMS encryption context) and checked on decrypt. */
export type KeyContext = Readonly<Record<string, string>>;

export interface DataKey {
  plaintext: Uint8Array;
  /** The data key encrypted under the master key; stored inside the envelope. */
  encrypted: Uint8Array;
}

export interface KeyProvider {
  readonly kind: "kms" | "local";
  generateDataKey(context: KeyContext): Promise<DataKey>;
  decryptDataKey(encrypted: Uint8Array, context: KeyContext): Promise<Uint8Array>;
}

/**
 * AES-256-GCM envelope sealing with associated data. The same format serves
 * session tokens (aad = where the session is stored) and the login-transaction cookie.
 */
export interface Sealer {
  seal(plaintext: Uint8Array, aad: string): Promise<string>;
  /** Throws `EnvelopeError` when the envelope is malformed, tampered or sealed under another aad; `SessionStoreError` when the key provider is down. */
  open(envelope: string, aad: string): Promise<Uint8Array>;
}
