import { isLoopbackUrl } from "@spa-bff/core";
import { LoopbackFetcher } from "@spa-bff/core/jwt";
import { assertStringArrayContainsString, assertStringEquals } from "aws-jwt-verify/assert";
import { CognitoJwtVerifier } from "aws-jwt-verify/cognito-verifier";
import { CognitoJwtInvalidClientIdError, CognitoJwtInvalidTokenUseError } from "aws-jwt-verify/error";
import { type Fetcher, SimpleFetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import { JwtVerifier } from "aws-jwt-verify/jwt-verifier";
import type { AuthorizerConfig } from "../config.ts";
import { type AccessTokenClaims, toAccessTokenClaims } from "./access-token-claims.ts";
import { discoverJwksUri } from "./discover-jwks-uri.ts";

/** Verifies access tokens; errors are aws-jwt-verify's classes (or `MissingClaimError`). */
export interface AccessTokenVerifier {
  verify(token: string): Promise<AccessTokenClaims>;
  /** Loads the JWKS into the cache, so warm invocations make no network call. */
  hydrate(): Promise<void>;
}

/** Seams for tests and the local platform. */
export interface VerifierOptions {
  /** Skips discovery (generic verifier only). */
  jwksUri?: string;
  /** Overrides the fetcher chosen from the issuer URL. */
  fetcher?: Fetcher;
}

/**
 * Builds the access-token verifier: aws-jwt-verify's Cognito verifier when a
 * user pool id is configured, otherwise its generic verifier with the same
 * checks (issuer, signature by the issuer's JWKS, `exp`/`nbf` with a small
 * grace, `token_use` "access", `client_id` in the list). Access tokens carry
 * no meaningful `aud` (Cognito's carry none), hence `audience: null`; the
 * `client_id` check takes its place. A loopback issuer gets an http fetcher,
 * chosen from the URL, never from a flag.
 *
 * @example
 * const verifier = await createAccessTokenVerifier(loadAuthorizerConfig(process.env));
 * await verifier.hydrate();
 */
export async function createAccessTokenVerifier(config: AuthorizerConfig, options: VerifierOptions = {}): Promise<AccessTokenVerifier> {
  const clientIds = [...config.clientIds];
  if (config.cognitoUserPoolId !== undefined) {
    const verifier = CognitoJwtVerifier.create({
      userPoolId: config.cognitoUserPoolId,
      tokenUse: "access",
      clientId: clientIds,
      graceSeconds: config.graceSeconds,
    });
    return {
      verify: async (token) => toAccessTokenClaims(await verifier.verify(token)),
      hydrate: () => verifier.hydrate(),
    };
  }
  const fetcher = options.fetcher ?? (isLoopbackUrl(config.issuer) ? new LoopbackFetcher() : new SimpleFetcher());
  const jwksUri = options.jwksUri ?? (await discoverJwksUri(config.issuer, fetcher));
  const verifier = JwtVerifier.create(
    {
      issuer: config.issuer,
      jwksUri,
      audience: null,
      graceSeconds: config.graceSeconds,
      customJwtCheck: ({ payload }: { payload: JwtPayload }) => {
        assertStringEquals("Token use", payload.token_use, "access", CognitoJwtInvalidTokenUseError);
        assertStringArrayContainsString("Client ID", payload.client_id, clientIds, CognitoJwtInvalidClientIdError);
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
  return {
    verify: async (token) => toAccessTokenClaims(await verifier.verify(token)),
    hydrate: () => verifier.hydrate(),
  };
}
