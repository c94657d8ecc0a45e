import { createLogger, type Logger } from "@spa-bff/core";
import type { CreateAuthChallengeTriggerEvent } from "aws-lambda";
import { createCodeChallenge, createUnanswerableChallenge } from "../code/one-time-code.ts";
import { CUSTOM_CHALLENGE } from "../define/decide-next-step.ts";
import type { CodeSender } from "../senders/code-sender.ts";

/** `challengeMetadata` of our step: names the kind of challenge, never carries the code. */
export const CODE_CHALLENGE_METADATA = "EMAIL_CODE";

export interface CreateAuthChallengeDeps {
  sender: CodeSender;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  logger?: Logger;
}

export type CreateAuthChallengeHandler = (event: CreateAuthChallengeTriggerEvent) => Promise<CreateAuthChallengeTriggerEvent>;

/**
 * The Create Auth Challenge trigger: draws a fresh 6-digit code for every
 * challenge (so a code from an earlier attempt or session never works
 * again), sends it by the `sender`, and leaves only its salted hash and
 * expiry in `privateChallengeParameters`. The public parameters tell the
 * client where the code went (a masked address), nothing more.
 *
 * An unknown user or one without an email gets the same public answer and
 * an unanswerable challenge, so the response does not reveal which it was.
 * A failed delivery throws, which makes Cognito fail the sign-in rather than
 * wait for a code that never comes.
 */
export function createCreateAuthChallenge(deps: CreateAuthChallengeDeps): CreateAuthChallengeHandler {
  const logger = deps.logger ?? createLogger("auth-challenge");
  const now = deps.now ?? Date.now;
  return async (event) => {
    if (event.request?.challengeName !== CUSTOM_CHALLENGE) {
      logger.warn("create auth challenge: unexpected challenge", { challengeName: String(event.request?.challengeName).slice(0, 40) });
      throw new Error("Unexpected challenge");
    }
    const email = event.request.userAttributes?.email;
    const deliverable = event.request.userNotFound !== true && typeof email === "string" && email.includes("@");
    const nowMs = now();
    let privateParameters: Record<string, string>;
    if (deliverable) {
      const challenge = createCodeChallenge(nowMs);
      try {
        await deps.sender.send({ to: email, username: event.userName, code: challenge.code, expiresAt: challenge.expiresAt });
      } catch (error) {
        logger.error("create auth challenge: code delivery failed", { errorName: error instanceof Error ? error.name : typeof error });
        throw new Error("Code delivery failed");
      }
      privateParameters = { ...challenge.parameters };
    } else {
      privateParameters = { ...createUnanswerableChallenge(nowMs) };
    }
    event.response = {
      publicChallengeParameters: { DELIVERY: "EMAIL", DESTINATION: deliverable ? maskEmail(email) : "your email address" },
      privateChallengeParameters: privateParameters,
      challengeMetadata: CODE_CHALLENGE_METADATA,
    };
    logger.info("create auth challenge: code issued", { attempt: event.request.session?.length ?? 0 });
    return event;
  };
}

/** "alice@example.com" → "a***@example.com": enough for the user to recognise, not to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "your email address";
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}
