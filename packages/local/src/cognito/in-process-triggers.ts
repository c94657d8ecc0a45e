import {
  type CodeSender,
  createCreateAuthChallenge,
  createDefineAuthChallenge,
  createPreTokenGeneration,
  createVerifyAuthChallenge,
  type PreTokenConfig,
} from "@spa-bff/auth-challenge";
import type { Logger } from "@spa-bff/core";
import { type CognitoTriggers, createInProcessTriggers } from "./triggers.ts";

export interface AuthChallengeTriggerOptions {
  /** Where Create delivers codes: the local mailbox. */
  readonly sender: CodeSender;
  readonly logger: Logger;
  /** Epoch milliseconds for the codes' expiry; injectable for tests. */
  readonly now?: () => number;
  /** Adds the Pre Token Generation trigger (V2_0) with this configuration; the pool has none without it, like today's stacks. */
  readonly preTokenGeneration?: PreTokenConfig;
}

/**
 * The product's own triggers from `@spa-bff/auth-challenge`, run in this
 * process: Define, Create (codes to `sender`), Verify, and Pre Token
 * Generation when configured.
 *
 * @example
 * const triggers = createAuthChallengeTriggers({ sender: mailbox, logger, preTokenGeneration: { scopes: ["items/read"], clientIds: ["local-web"] } });
 */
export function createAuthChallengeTriggers(options: AuthChallengeTriggerOptions): CognitoTriggers {
  const { sender, logger, preTokenGeneration } = options;
  const now = options.now ?? Date.now;
  return createInProcessTriggers({
    DefineAuthChallenge: createDefineAuthChallenge({ logger }),
    CreateAuthChallenge: createCreateAuthChallenge({ sender, logger, now }),
    VerifyAuthChallengeResponse: createVerifyAuthChallenge({ logger, now }),
    ...(preTokenGeneration ? { PreTokenGeneration: createPreTokenGeneration({ ...preTokenGeneration, logger }) } : {}),
  });
}
