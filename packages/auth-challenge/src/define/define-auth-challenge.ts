import { createLogger, type Logger } from "@spa-bff/core";
import type { DefineAuthChallengeTriggerEvent } from "aws-lambda";
import { decideNextStep } from "./decide-next-step.ts";

export interface DefineAuthChallengeDeps {
  logger?: Logger;
}

export type DefineAuthChallengeHandler = (event: DefineAuthChallengeTriggerEvent) => Promise<DefineAuthChallengeTriggerEvent>;

/**
 * The Define Auth Challenge trigger: password first (SRP, checked by
 * Cognito), then a one-time code, tokens only after a correct code, failure
 * after three wrong codes or any unexpected sequence.
 *
 * @example
 * export const handler = createDefineAuthChallenge({});
 */
export function createDefineAuthChallenge(deps: DefineAuthChallengeDeps = {}): DefineAuthChallengeHandler {
  const logger = deps.logger ?? createLogger("auth-challenge");
  return async (event) => {
    const step = decideNextStep(event.request?.session, event.request?.userNotFound === true);
    const response = event.response ?? ({} as DefineAuthChallengeTriggerEvent["response"]);
    event.response = response;
    response.issueTokens = step.kind === "issue-tokens";
    response.failAuthentication = step.kind === "fail";
    if (step.kind === "challenge") response.challengeName = step.challengeName;
    else delete response.challengeName;
    // userNotFound is deliberately not logged: the log must not become an oracle either.
    logger.info("define auth challenge", {
      decision: step.kind === "challenge" ? step.challengeName : step.kind,
      reason: step.kind === "fail" && step.reason !== "user-not-found" ? step.reason : undefined,
      steps: event.request?.session?.length ?? 0,
    });
    return event;
  };
}
