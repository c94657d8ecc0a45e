export type { DynamoSessionStoreOptions } from "./dynamo-session-store.ts";
export { createDynamoSessionStore } from "./dynamo-session-store.ts";
export type { EnvelopeParts } from "./envelope.ts";
export { formatEnvelope, parseEnvelope } from "./envelope.ts";
export { EnvelopeError } from "./errors.ts";
export { defaultKeyContext } from "./key-context.ts";
export type { KmsKeyCacheOptions, KmsKeyProviderOptions } from "./kms-key-provider.ts";
export { createKmsKeyProvider } from "./kms-key-provider.ts";
export type { LocalKeyProviderOptions, LocalKeyring } from "./local-key-provider.ts";
export { createLocalKeyProvider, rotateLocalKeyFile } from "./local-key-provider.ts";
export type { SealerOptions } from "./sealer.ts";
export { createSealer } from "./sealer.ts";
export type { SessionKey } from "./session-id.ts";
export { keyString, newSessionId, sessionKeyOf, sessionRef, userPartition } from "./session-id.ts";
export type { RefreshLease, SessionStore, StoredSession, TouchUpdate } from "./session-store.ts";
export type { SessionsOptions } from "./sessions.ts";
export { createSessions } from "./sessions.ts";
export type {
  DataKey,
  KeyContext,
  KeyProvider,
  NewSession,
  Sealer,
  Session,
  SessionPolicy,
  SessionService,
  SessionUser,
  SignInMethod,
  TokenSet,
  UpdateResult,
} from "./types.ts";
export type { ListedSession, UserSessions, UserSessionsOptions } from "./user-sessions.ts";
export { createUserSessions } from "./user-sessions.ts";
