import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

/** A minimal issuer for tests: discovery + JWKS over http on 127.0.0.1, port 0, counting requests. */
export interface FakeIssuer {
  issuer: string;
  jwksUri: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
  requests: () => number;
  sign(payload: JWTPayload, options?: { kid?: string; key?: PrivateKey }): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeIssuer(): Promise<FakeIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: "key-1", alg: "RS256", use: "sig" };
  let count = 0;
  let issuer = "";
  const server: Server = createServer((request, response) => {
    count += 1;
    const body =
      request.url === "/.well-known/openid-configuration"
        ? { issuer, jwks_uri: `${issuer}/jwks` }
        : request.url === "/jwks"
          ? { keys: [publicJwk] }
          : undefined;
    response.writeHead(body ? 200 : 404, { "content-type": "application/json" });
    response.end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    privateKey,
    publicJwk,
    requests: () => count,
    sign: (payload, options = {}) =>
      new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid: options.kid ?? "key-1", typ: "at+jwt" }).sign(options.key ?? privateKey),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
