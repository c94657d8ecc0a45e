import { createServer } from "node:http";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { close, listen } from "../http/listen.ts";

/** An OIDC issuer for tests: its JWKS on loopback, and ID tokens signed with its key (or a stranger's). */
export interface TestIssuer {
  /** `http://127.0.0.1:<port>`; the JWKS is at `<issuer>/.well-known/jwks.json`, like Cognito's. */
  readonly issuer: string;
  /**
   * An ID token: `iss` this issuer, `aud` the given audience, `iat` now and `exp` in 15 minutes (Cognito's
   * ID-token lifetime), `token_use: "id"`, overridden by `claims`. `signedBy: "stranger"` signs with a key
   * the JWKS does not hold but under the same `kid`, so only the signature is wrong.
   */
  idToken(
    claims: JWTPayload & { sub: string },
    options?: { audience?: string; signedBy?: "issuer" | "stranger"; nowSeconds?: number },
  ): Promise<string>;
  /** JWKS requests served so far. */
  readonly jwksRequests: number;
  stop(): Promise<void>;
}

/**
 * Starts a test issuer on a free loopback port with a fresh RS256 key.
 *
 * @example
 * const idp = await startTestIssuer("local-web");
 * const token = await idp.idToken({ sub: "alice" });
 */
export async function startTestIssuer(defaultAudience: string): Promise<TestIssuer> {
  const kid = "test-key-1";
  const own = await generateKeyPair("RS256");
  const stranger = await generateKeyPair("RS256");
  const publicJwk = { ...(await exportJWK(own.publicKey)), kid, alg: "RS256", use: "sig" };
  let jwksRequests = 0;
  const server = createServer((req, res) => {
    if (req.url === "/.well-known/jwks.json") {
      jwksRequests += 1;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [publicJwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  const port = await listen(server, 0, "127.0.0.1", "Test issuer");
  const issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    get jwksRequests() {
      return jwksRequests;
    },
    idToken: (claims, options = {}) => {
      const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
      return new SignJWT({ token_use: "id", iss: issuer, aud: options.audience ?? defaultAudience, iat: now, exp: now + 900, ...claims })
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .sign(options.signedBy === "stranger" ? stranger.privateKey : own.privateKey);
    },
    stop: () => close(server),
  };
}
