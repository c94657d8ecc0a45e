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
export { generateSessionId, hashSessionId, isWellFormedSessionId } from "./session-id.ts";
export type { SessionStore, StoredSession, TouchUpdate } from "./session-store.ts";
export type { SessionsOptions } from "./sessions.ts";
export { createSessions } from "./sessions.ts";
export type {
  DataKey,
  KeyContext,
  KeyProvider,
  Sealer,
  Session,
  SessionPolicy,
  SessionService,
  SessionUser,
  TokenSet,
  UpdateResult,
} from "./types.ts";
