import { isAllowedServiceUrl, isLoopbackUrl } from "@spa-bff/core";
import type { Fetcher } from "aws-jwt-verify/https";

/**
 * Reads `jwks_uri` from the issuer's OpenID discovery document, once at cold
 * start. Issuers do not agree on a JWKS path (Cognito serves
 * `/.well-known/jwks.json`, oidc-provider `/jwks`), so the library's default
 * cannot be assumed. The document must name the same issuer, and an https
 * issuer must publish an https JWKS.
 */
export async function discoverJwksUri(issuer: string, fetcher: Fetcher): Promise<string> {
  const url = `${issuer}/.well-known/openid-configuration`;
  const document: unknown = JSON.parse(new TextDecoder().decode(await fetcher.fetch(url)));
  if (typeof document !== "object" || document === null) {
    throw new Error(`The discovery document of "${issuer}" is not a JSON object`);
  }
  const { issuer: advertised, jwks_uri: jwksUri } = document as Record<string, unknown>;
  if (typeof advertised !== "string" || advertised.replace(/\/+$/, "") !== issuer) {
    throw new Error(`The discovery document of "${issuer}" names another issuer`);
  }
  if (typeof jwksUri !== "string" || !isAllowedServiceUrl(jwksUri) || (!isLoopbackUrl(issuer) && !jwksUri.startsWith("https:"))) {
    throw new Error(`The discovery document of "${issuer}" has no usable "jwks_uri"`);
  }
  return jwksUri;
}
