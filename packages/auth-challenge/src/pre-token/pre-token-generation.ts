import { createLogger, type Logger } from "@spa-bff/core";
import type { PreTokenGenerationV2TriggerEvent } from "aws-lambda";

export interface PreTokenGenerationDeps {
  /** Resource-server scopes to add, e.g. `["items/read", "items/write"]` (see `loadPreTokenConfig`). */
  scopes: readonly string[];
  /** The app clients whose sign-ins get them, or `"*"` for every client of the pool. */
  clientIds: readonly string[] | "*";
  logger?: Logger;
}

export type PreTokenGenerationHandler = (event: PreTokenGenerationV2TriggerEvent) => Promise<PreTokenGenerationV2TriggerEvent>;

/**
 * Token generations that come from the user-pool API (`InitiateAuth` /
 * `RespondToAuthChallenge`, and the refreshes of those sessions). Sign-ins on
 * the hosted pages (`TokenGeneration_HostedAuth`) get the scopes the OAuth
 * request asked for, so they are left alone.
 */
const apiTokenGenerations = new Set<string>(["TokenGeneration_Authentication", "TokenGeneration_RefreshTokens"]);

/**
 * The Pre Token Generation trigger (event version 2, `V2_0`): adds the app's
 * resource-server scopes to the access tokens of the web client's API
 * sign-ins and refreshes. Without it, tokens from `InitiateAuth` carry only
 * `aws.cognito.signin.user.admin` and the API's authorizer refuses them.
 * It never removes a scope, never touches a claim, and changes nothing for
 * another client or another kind of token generation.
 *
 * A pool that sends the version 1 event would drop the scopes silently (that
 * event has no access-token part), so the trigger throws on it: the sign-in
 * fails loudly instead of every API call failing later.
 *
 * @example
 * export const handler = createPreTokenGeneration({ scopes: ["items/read", "items/write"], clientIds: "*" });
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
 */
export function createPreTokenGeneration(deps: PreTokenGenerationDeps): PreTokenGenerationHandler {
  const logger = deps.logger ?? createLogger("pre-token-generation");
  const allowedClients = deps.clientIds === "*" ? undefined : new Set(deps.clientIds);
  return async (event) => {
    if (event.version === "1") {
      logger.error("pre token generation: the pool sends version 1 events", { version: event.version });
      throw new Error("Pre token generation needs lambdaVersion V2_0");
    }
    const clientId = event.callerContext?.clientId;
    const forApi = apiTokenGenerations.has(event.triggerSource);
    const forClient = allowedClients === undefined || (typeof clientId === "string" && allowedClients.has(clientId));
    if (!forApi || !forClient) {
      logger.info("pre token generation: unchanged", { triggerSource: String(event.triggerSource).slice(0, 60), forClient });
      return event;
    }
    const present = new Set(event.request?.scopes ?? []);
    const details = event.response?.claimsAndScopeOverrideDetails ?? {};
    const access = details.accessTokenGeneration ?? {};
    const toAdd = [...new Set([...(access.scopesToAdd ?? []), ...deps.scopes.filter((scope) => !present.has(scope))])];
    event.response = {
      ...event.response,
      claimsAndScopeOverrideDetails: { ...details, accessTokenGeneration: { ...access, scopesToAdd: toAdd } },
    };
    logger.info("pre token generation: scopes added", { triggerSource: event.triggerSource, added: toAdd.length });
    return event;
  };
}
