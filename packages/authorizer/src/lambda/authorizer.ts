import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { loadAuthorizerConfig } from "../config.ts";
import { createAuthorizerHandler } from "../handler/authorizer-handler.ts";
import { createAccessTokenVerifier } from "../token/verifier.ts";

// Cold start: config, verifier and JWKS are loaded once, so a warm invocation makes no network call.
const config = loadAuthorizerConfig(process.env);
const verifier = await createAccessTokenVerifier(config);
await verifier.hydrate();
const authorize = createAuthorizerHandler(config, { verifier });

/** API Gateway REQUEST authorizer entry point (identity source: the Authorization header). */
export const handler = (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => authorize(event);
