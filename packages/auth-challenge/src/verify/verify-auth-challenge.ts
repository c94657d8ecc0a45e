import { createLogger, type Logger } from "@spa-bff/core";
import type { VerifyAuthChallengeResponseTriggerEvent } from "aws-lambda";
import { checkCode } from "../code/one-time-code.ts";

export interface VerifyAuthChallengeDeps {
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  logger?: Logger;
}

export type VerifyAuthChallengeHandler = (
  event: VerifyAuthChallengeResponseTriggerEvent,
) => Promise<VerifyAuthChallengeResponseTriggerEvent>;

/**
 * The Verify Auth Challenge Response trigger: the answer is correct only if
 * its salted hash equals the challenge's (compared in constant time) and the
 * code has not expired. Missing or malformed parameters, an unknown user,
 * or any surprise answer "incorrect": it fails closed. Neither the answer
 * nor the expected hash is ever logged.
 */
export function createVerifyAuthChallenge(deps: VerifyAuthChallengeDeps = {}): VerifyAuthChallengeHandler {
  const logger = deps.logger ?? createLogger("auth-challenge");
  const now = deps.now ?? Date.now;
  return async (event) => {
    const result = checkCode(event.request?.challengeAnswer, event.request?.privateChallengeParameters, now());
    const correct = result === "correct" && event.request?.userNotFound !== true;
    event.response = { answerCorrect: correct };
    logger.info("verify auth challenge", { result: event.request?.userNotFound === true ? "incorrect" : result });
    return event;
  };
}
