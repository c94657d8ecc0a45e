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
export { EnvelopeError } from "./errors.ts";
export { formatEnvelope, parseEnvelope } from "./envelope.ts";
export type { EnvelopeParts } from "./envelope.ts";
export { defaultKeyContext } from "./key-context.ts";
export { createSealer } from "./sealer.ts";
export type { SealerOptions } from "./sealer.ts";
export { createLocalKeyProvider, rotateLocalKeyFile } from "./local-key-provider.ts";
export type { LocalKeyProviderOptions, LocalKeyring } from "./local-key-provider.ts";
export { createKmsKeyProvider } from "./kms-key-provider.ts";
export type { KmsKeyCacheOptions, KmsKeyProviderOptions } from "./kms-key-provider.ts";
export { generateSessionId, hashSessionId, isWellFormedSessionId } from "./session-id.ts";
export { createSessionService } from "./session-service.ts";
export type { SessionServiceOptions } from "./session-service.ts";
