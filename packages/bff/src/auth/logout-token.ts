import { type AppError, BadRequestError, ConfigError, ErrorCodes, IdpError, isAllowedServiceUrl, isLoopbackUrl } from "@spa-bff/core";
import { LoopbackFetcher } from "@spa-bff/core/jwt";
import { type Fetcher, SimpleFetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { JwtHeader, JwtPayload } from "aws-jwt-verify/jwt-model";
import { JwtVerifier } from "aws-jwt-verify/jwt-verifier";

/** The `events` member that makes a JWT a logout token (OIDC Back-Channel Logout 1.0, section 2.4). */
export const backchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

/** Seconds of clock difference tolerated between the IdP and us, for `iat` in the future and for `exp`/`nbf`. */
export const logoutTokenClockSkewSeconds = 30;

const defaultMaxAgeSeconds = 300;
/** A logout token is a small JWS (oidc-provider's are under 1 KB); anything longer is refused before it is parsed. */
const maxTokenLength = 8192;
/** `jti`, `sid` and `sub` are identifiers the store keys on; none of the IdPs we know comes near this. */
const maxIdLength = 255;

export interface LogoutTokenVerifierOptions {
  /** The IdP's issuer identifier; `iss` must equal it. https, or http on loopback. */
  issuer: string;
  /** Our client id at the IdP; `aud` must be it or an array containing it. */
  clientId: string;
  /** The IdP's JWKS (from its discovery document). https, or http on loopback when the issuer is loopback. */
  jwksUri: string;
  /** How old an `iat` may be, in seconds (default 300). */
  maxAgeSeconds?: number;
  /** Loads the JWKS; by default a `LoopbackFetcher` for a loopback issuer, else aws-jwt-verify's https fetcher. */
  fetcher?: Fetcher;
}

/** What a valid logout token asks for: end the IdP session `sid`, or every session of `sub`. */
export interface LogoutClaims {
  sub?: string;
  sid?: string;
  jti: string;
  /**
   * Epoch seconds until which the `jti` must be remembered to refuse a
   * replay: one second past the last moment at which this verifier would
   * still accept the token (`iat + maxAgeSeconds`, or `exp` plus the clock
   * skew when that comes first).
   */
  rememberUntil: number;
}

export interface LogoutTokenVerifier {
  /**
   * Verifies a logout token at `now` (epoch seconds, the wall clock). Throws
   * `BadRequestError` with code `invalid_logout_token` for any token that is
   * not valid, and `IdpError` when the IdP's JWKS cannot be loaded.
   */
  verify(token: string, now: number): Promise<LogoutClaims>;
}

/**
 * Builds the verifier of OIDC Back-Channel Logout 1.0 logout tokens
 * (section 2.6) on aws-jwt-verify's generic `JwtVerifier`. The library
 * checks the signature against the IdP's JWKS (asymmetric algorithms only:
 * RS*, ES*, EdDSA; `none` and HS* are refused, and a token must name its key
 * by `kid`), `iss`, `aud`, and `exp`/`nbf` when present. This module adds
 * what the library does not know: `typ` (`logout+jwt` when present), `iat`
 * present and within `maxAgeSeconds` (and not in the future), the
 * back-channel `events` member, no `nonce`, a `jti`, and a `sid` and/or
 * `sub`. Replay (`jti`) is the caller's: remember it until `rememberUntil`.
 *
 * The JWKS is fetched on first use and cached for the instance's life; a
 * token whose `kid` is not cached refetches it, at most once per 10 s for
 * this JWKS URI (aws-jwt-verify's `SimplePenaltyBox`), so a flood of made-up
 * `kid`s cannot flood the IdP (a failed fetch sets no such pause). Error
 * messages are generic: no token, claim or `kid` reaches one. The library's
 * error, whose message may quote a claim, stays in `cause`, which is never
 * sent and is logged by class name only.
 *
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation
 * @example
 * const logoutTokens = createLogoutTokenVerifier({ issuer, clientId, jwksUri });
 * const { sid, sub, jti, rememberUntil } = await logoutTokens.verify(form.get("logout_token") ?? "", clock());
 */
export function createLogoutTokenVerifier(options: LogoutTokenVerifierOptions): LogoutTokenVerifier {
  const { issuer, clientId, jwksUri, maxAgeSeconds } = checkOptions(options);
  const fetcher = options.fetcher ?? (isLoopbackUrl(issuer) ? new LoopbackFetcher() : new SimpleFetcher());
  const jwksCache = new SimpleJwksCache({ fetcher: reportingUnavailable(fetcher) });
  // A JWKS that cannot be parsed is the IdP's fault, like one that cannot be fetched: tag it for the 502.
  const parseJwks = jwksCache.jwksParser;
  jwksCache.jwksParser = (body) => {
    try {
      return parseJwks(body);
    } catch (error) {
      throw new JwksUnavailableError(error);
    }
  };
  const verifier = JwtVerifier.create({ issuer, audience: clientId, jwksUri, graceSeconds: logoutTokenClockSkewSeconds }, { jwksCache });

  return {
    async verify(token, now) {
      if (typeof token !== "string" || token.length === 0 || token.length > maxTokenLength) throw invalidLogoutToken();
      let claims: LogoutClaims | undefined;
      try {
        // customJwtCheck runs only after the signature, iss, aud, exp and nbf have passed.
        await verifier.verify(token, {
          customJwtCheck: ({ header, payload }) => {
            claims = checkLogoutToken(header, payload, now, maxAgeSeconds);
          },
        });
      } catch (error) {
        throw toAppError(error);
      }
      if (claims === undefined) throw invalidLogoutToken(new LogoutTokenRuleError("the custom check did not run"));
      return claims;
    },
  };
}

/** A logout-token rule that failed. The message names the rule, never a value; it only ever travels as a `cause`. */
class LogoutTokenRuleError extends Error {
  override readonly name = "LogoutTokenRuleError";
}

/** The IdP's JWKS could not be fetched or parsed: the IdP's fault, not the caller's. */
class JwksUnavailableError extends Error {
  override readonly name = "JwksUnavailableError";
  constructor(cause: unknown) {
    super("The JWKS could not be loaded", { cause });
  }
}

function reportingUnavailable(fetcher: Fetcher): Fetcher {
  return {
    fetch: async (...args) => {
      try {
        return await fetcher.fetch(...args);
      } catch (error) {
        throw new JwksUnavailableError(error);
      }
    },
  };
}

function invalidLogoutToken(cause?: unknown): BadRequestError {
  return new BadRequestError(undefined, { code: ErrorCodes.invalidLogoutToken, cause });
}

/**
 * Only an unloadable JWKS is a 502; everything else (a parse error, a bad
 * signature, an unknown `kid`, an algorithm the key does not support, a
 * failed claim) is the token's fault, so any input gets a 400 at worst.
 */
function toAppError(error: unknown): AppError {
  if (error instanceof JwksUnavailableError) {
    return new IdpError("The identity provider's signing keys could not be loaded", { cause: error });
  }
  return invalidLogoutToken(error);
}

function checkLogoutToken(header: JwtHeader, payload: JwtPayload, now: number, maxAgeSeconds: number): LogoutClaims {
  rule(isLogoutTyp(header.typ), '"typ" must be "logout+jwt" when present');

  // aws-jwt-verify has already checked that iat, exp and nbf, when present, are finite numbers.
  const { iat, exp, nbf } = payload;
  rule(iat !== undefined, '"iat" is required');
  rule(iat <= now + logoutTokenClockSkewSeconds, '"iat" is in the future');
  rule(now - iat <= maxAgeSeconds, '"iat" is too old');
  // The library checks exp and nbf against Date.now(); these hold them to the caller's clock too.
  rule(exp === undefined || now <= exp + logoutTokenClockSkewSeconds, '"exp" has passed');
  rule(nbf === undefined || nbf - logoutTokenClockSkewSeconds <= now, '"nbf" is in the future');

  const events = payload.events;
  rule(isObject(events) && Object.hasOwn(events, backchannelLogoutEvent), `"events" must have the member "${backchannelLogoutEvent}"`);
  rule(isObject(events[backchannelLogoutEvent]), "the back-channel logout event must be an object");
  // A nonce would let the token pass for an ID token in a forged authentication response (section 2.4).
  rule(!Object.hasOwn(payload, "nonce"), '"nonce" is not allowed');

  const { jti, sid, sub } = payload;
  rule(isIdentifier(jti), '"jti" must be a non-empty string');
  rule(sid === undefined || isIdentifier(sid), '"sid" must be a non-empty string');
  rule(sub === undefined || isIdentifier(sub), '"sub" must be a non-empty string');
  rule(sid !== undefined || sub !== undefined, '"sid" or "sub" is required');

  const lastAccepted = Math.min(iat + maxAgeSeconds, exp === undefined ? Number.POSITIVE_INFINITY : exp + logoutTokenClockSkewSeconds);
  return {
    ...(sub === undefined ? {} : { sub }),
    ...(sid === undefined ? {} : { sid }),
    jti,
    rememberUntil: Math.ceil(lastAccepted) + 1,
  };
}

/** Throws the failed rule; `asserts` lets TypeScript narrow the claims checked. */
function rule(ok: boolean, message: string): asserts ok {
  if (!ok) throw new LogoutTokenRuleError(message);
}

/** `typ` is optional, but a typed token must be a logout token: an ID or access token (`JWT`, `at+jwt`) must not pass. */
function isLogoutTyp(typ: unknown): boolean {
  if (typ === undefined) return true;
  if (typeof typ !== "string") return false;
  const type = typ.toLowerCase();
  return type === "logout+jwt" || type === "application/logout+jwt";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isIdentifier(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= maxIdLength;
}

function checkOptions(options: LogoutTokenVerifierOptions): Required<Omit<LogoutTokenVerifierOptions, "fetcher">> {
  const problems: string[] = [];
  const { issuer, clientId, jwksUri } = options;
  const maxAgeSeconds = options.maxAgeSeconds ?? defaultMaxAgeSeconds;
  if (!isAllowedServiceUrl(issuer)) problems.push('"issuer" must be an https URL (http only on loopback)');
  if (typeof clientId !== "string" || clientId.length === 0) problems.push('"clientId" must be a non-empty string');
  if (!isAllowedServiceUrl(jwksUri) || (options.fetcher === undefined && !isLoopbackUrl(issuer) && !jwksUri.startsWith("https:"))) {
    problems.push('"jwksUri" must be an https URL (http only on loopback, for a loopback issuer)');
  }
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 1 || maxAgeSeconds > 3600) {
    problems.push('"maxAgeSeconds" must be an integer from 1 to 3600');
  }
  if (problems.length > 0) throw new ConfigError(`Invalid logout token verifier options: ${problems.join("; ")}`);
  return { issuer, clientId, jwksUri, maxAgeSeconds };
}
