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
export type { SessionServiceOptions } from "./session-service.ts";
export { createSessionService } from "./session-service.ts";
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
