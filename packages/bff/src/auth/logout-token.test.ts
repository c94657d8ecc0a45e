import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AppError, BadRequestError, ConfigError, IdpError } from "@spa-bff/core";
import { CompactSign, exportJWK, exportSPKI, generateKeyPair, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backchannelLogoutEvent,
  createLogoutTokenVerifier,
  type LogoutTokenVerifier,
  type LogoutTokenVerifierOptions,
  logoutTokenClockSkewSeconds,
} from "./logout-token.ts";

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

const clientId = "bff-web";
const encoder = new TextEncoder();

/** The IdP's side for these tests: its keys, a JWKS served over http on 127.0.0.1, and a signer. */
interface TestIdp {
  issuer: string;
  jwksUri: string;
  /** JWKS requests so far. */
  jwksRequests(): number;
  /** What the JWKS endpoint answers from now on. */
  setJwksAnswer(answer: "keys" | "error" | "garbage"): void;
  rsa: KeyPair;
  ec: KeyPair;
  other: KeyPair;
  close(): Promise<void>;
}

async function startTestIdp(): Promise<TestIdp> {
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const other = await generateKeyPair("RS256", { extractable: true });
  const rsaJwk = await exportJWK(rsa.publicKey);
  const keys: JWK[] = [
    { ...rsaJwk, kid: "rsa-1", alg: "RS256", use: "sig" },
    // The same RSA key without "alg": only the library's list of asymmetric algorithms stands between it and HS256.
    { ...rsaJwk, kid: "rsa-no-alg", use: "sig" },
    { ...(await exportJWK(ec.publicKey)), kid: "ec-1", use: "sig" },
  ];
  let requests = 0;
  let answer: "keys" | "error" | "garbage" = "keys";
  const server: Server = createServer((request, response) => {
    if (request.url !== "/jwks") {
      response.writeHead(404).end();
      return;
    }
    requests += 1;
    if (answer === "error") response.writeHead(503).end();
    else if (answer === "garbage") response.writeHead(200, { "content-type": "application/json" }).end("<html>");
    else response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    jwksRequests: () => requests,
    setJwksAnswer: (value) => {
      answer = value;
    },
    rsa,
    ec,
    other,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Signs any header and payload as a compact JWS (no claim checks, so broken claim sets can be made). */
async function sign(
  payload: Record<string, unknown>,
  header: Record<string, unknown>,
  key: KeyPair["privateKey"] | Uint8Array,
): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(payload))).setProtectedHeader({ alg: "RS256", ...header }).sign(key);
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

async function expectInvalid(promise: Promise<unknown>): Promise<void> {
  const error = await refusal(promise);
  expect(error).toBeInstanceOf(BadRequestError);
  expect(error.code).toBe("invalid_logout_token");
  expect(error.status).toBe(400);
  expect(error.message).toBe("The logout token is not valid");
  // A refusal comes from a rule or the library, never from our code tripping over an unexpected shape.
  expect(error.cause).not.toBeInstanceOf(TypeError);
}

describe("createLogoutTokenVerifier", () => {
  let idp: TestIdp;
  let verifier: LogoutTokenVerifier;
  let claims: (overrides?: Record<string, unknown>) => Record<string, unknown>;
  const rsaHeader = { alg: "RS256", kid: "rsa-1", typ: "logout+jwt" };

  beforeAll(async () => {
    idp = await startTestIdp();
    verifier = createLogoutTokenVerifier({ issuer: idp.issuer, clientId, jwksUri: idp.jwksUri });
    claims = (overrides = {}) => {
      const iat = nowSeconds();
      const base: Record<string, unknown> = {
        iss: idp.issuer,
        aud: clientId,
        iat,
        exp: iat + 120,
        jti: `jti-${Math.random().toString(36).slice(2)}`,
        sub: "user-1",
        sid: "idp-session-1",
        events: { [backchannelLogoutEvent]: {} },
      };
      for (const [name, value] of Object.entries(overrides)) {
        if (value === undefined) delete base[name];
        else base[name] = value;
      }
      return base;
    };
  });
  afterAll(() => idp.close());

  describe("accepts", () => {
    it("a token with sid and sub, and says how long to remember its jti", async () => {
      const payload = claims();
      const token = await sign(payload, rsaHeader, idp.rsa.privateKey);
      const now = payload.iat as number;

      const result = await verifier.verify(token, now);

      // Accepted until exp + skew (before iat + 300), so the jti is remembered one second past that.
      expect(result).toEqual({
        sub: "user-1",
        sid: "idp-session-1",
        jti: payload.jti,
        rememberUntil: (payload.exp as number) + logoutTokenClockSkewSeconds + 1,
      });
    });

    it("a token with sid only (one IdP session)", async () => {
      const token = await sign(claims({ sub: undefined }), rsaHeader, idp.rsa.privateKey);

      const result = await verifier.verify(token, nowSeconds());

      expect(result.sid).toBe("idp-session-1");
      expect(result).not.toHaveProperty("sub");
    });

    it("a token with sub only (every session of the user)", async () => {
      const token = await sign(claims({ sid: undefined }), rsaHeader, idp.rsa.privateKey);

      const result = await verifier.verify(token, nowSeconds());

      expect(result.sub).toBe("user-1");
      expect(result).not.toHaveProperty("sid");
    });

    it("a token without exp, remembered until iat + maxAgeSeconds", async () => {
      const payload = claims({ exp: undefined });
      const token = await sign(payload, rsaHeader, idp.rsa.privateKey);

      const result = await verifier.verify(token, payload.iat as number);

      expect(result.rememberUntil).toBe((payload.iat as number) + 300 + 1);
    });

    it("an audience array that contains our client id", async () => {
      const token = await sign(claims({ aud: ["other-client", clientId] }), rsaHeader, idp.rsa.privateKey);

      await expect(verifier.verify(token, nowSeconds())).resolves.toMatchObject({ sub: "user-1" });
    });

    it("a token without typ, and one typed application/logout+jwt", async () => {
      const untyped = await sign(claims(), { kid: "rsa-1" }, idp.rsa.privateKey);
      const typed = await sign(claims(), { kid: "rsa-1", typ: "application/logout+jwt" }, idp.rsa.privateKey);

      await expect(verifier.verify(untyped, nowSeconds())).resolves.toMatchObject({ sid: "idp-session-1" });
      await expect(verifier.verify(typed, nowSeconds())).resolves.toMatchObject({ sid: "idp-session-1" });
    });

    it("an ES256 token (any asymmetric algorithm the JWKS key fits)", async () => {
      const token = await sign(claims(), { alg: "ES256", kid: "ec-1", typ: "logout+jwt" }, idp.ec.privateKey);

      await expect(verifier.verify(token, nowSeconds())).resolves.toMatchObject({ sub: "user-1" });
    });

    it("an iat a few seconds ahead of our clock (within the skew)", async () => {
      const now = nowSeconds();
      const token = await sign(claims({ iat: now + 10 }), rsaHeader, idp.rsa.privateKey);

      await expect(verifier.verify(token, now)).resolves.toMatchObject({ sub: "user-1" });
    });
  });

  describe("refuses with 400 invalid_logout_token", () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ["a wrong audience", { aud: "another-client" }],
      ["an audience array without our client id", { aud: ["another-client"] }],
      ["no audience", { aud: undefined }],
      ["a wrong issuer", { iss: "http://127.0.0.1:1" }],
      ["an issuer with a trailing slash", { iss: "__issuer__/" }],
      ["a nonce (it could pass for an ID token)", { nonce: "n-0S6_WzA2Mj" }],
      ["a null nonce", { nonce: null }],
      ["no events", { events: undefined }],
      ["events without the back-channel member", { events: { "http://schemas.openid.net/event/other": {} } }],
      ["a back-channel event that is not an object", { events: { [backchannelLogoutEvent]: true } }],
      ["a back-channel event that is an array", { events: { [backchannelLogoutEvent]: [] } }],
      ["a back-channel event that is null", { events: { [backchannelLogoutEvent]: null } }],
      ["events that are an array", { events: [backchannelLogoutEvent] }],
      ["events that are a string", { events: backchannelLogoutEvent }],
      ["neither sid nor sub", { sid: undefined, sub: undefined }],
      ["no jti", { jti: undefined }],
      ["an empty jti", { jti: "" }],
      ["a jti of 256 characters", { jti: "j".repeat(256) }],
      ["a numeric jti", { jti: 42 }],
      ["a numeric sid", { sid: 7 }],
      ["an empty sub", { sub: "" }],
      ["a sid of 256 characters", { sid: "s".repeat(256) }],
      ["no iat", { iat: undefined }],
      ["a string iat", { iat: "now" }],
      ["an nbf in the future", { nbf: 4_000_000_000 }],
    ];

    it.each(cases)("a token with %s", async (_name, overrides) => {
      const adjusted = Object.fromEntries(
        Object.entries(overrides).map(([name, value]) => [name, value === "__issuer__/" ? `${idp.issuer}/` : value]),
      );
      const token = await sign(claims(adjusted), rsaHeader, idp.rsa.privateKey);

      await expectInvalid(verifier.verify(token, nowSeconds()));
    });

    it("a token signed by another key under a known kid (forged)", async () => {
      const token = await sign(claims(), rsaHeader, idp.other.privateKey);

      await expectInvalid(verifier.verify(token, nowSeconds()));
    });

    it("an expired token", async () => {
      const now = nowSeconds();
      const token = await sign(claims({ iat: now - 200, exp: now - 80 }), rsaHeader, idp.rsa.privateKey);

      await expectInvalid(verifier.verify(token, now));
    });

    it("a token whose exp has passed by the caller's clock", async () => {
      const payload = claims({ exp: undefined });
      payload.exp = (payload.iat as number) + 60;
      const token = await sign(payload, rsaHeader, idp.rsa.privateKey);

      await expectInvalid(verifier.verify(token, (payload.exp as number) + logoutTokenClockSkewSeconds + 1));
    });

    it("a token whose iat is older than maxAgeSeconds, even with a far exp", async () => {
      const now = nowSeconds();
      const token = await sign(claims({ iat: now - 301, exp: now + 3600 }), rsaHeader, idp.rsa.privateKey);

      await expectInvalid(verifier.verify(token, now));
    });

    it("a token that was fine a moment ago, at now = iat + maxAgeSeconds + 1", async () => {
      const payload = claims({ exp: undefined });
      const token = await sign(payload, rsaHeader, idp.rsa.privateKey);
      const iat = payload.iat as number;

      await expect(verifier.verify(token, iat + 300)).resolves.toMatchObject({ rememberUntil: iat + 301 });
      await expectInvalid(verifier.verify(token, iat + 301));
    });

    it("a token issued in the future", async () => {
      const now = nowSeconds();
      const token = await sign(claims({ iat: now + 120, exp: now + 240 }), rsaHeader, idp.rsa.privateKey);

      await expectInvalid(verifier.verify(token, now));
    });

    it("a token typed as something else (JWT, at+jwt, a number)", async () => {
      for (const typ of ["JWT", "at+jwt", "logout", 1]) {
        const token = await sign(claims(), { ...rsaHeader, typ }, idp.rsa.privateKey);
        await expectInvalid(verifier.verify(token, nowSeconds()));
      }
    });

    it("alg none, with and without a signature", async () => {
      const header = b64url({ alg: "none", kid: "rsa-1", typ: "logout+jwt" });
      const payload = b64url(claims());

      await expectInvalid(verifier.verify(`${header}.${payload}.`, nowSeconds()));
      await expectInvalid(verifier.verify(`${header}.${payload}.AAAA`, nowSeconds()));
    });

    it("HS256 with the IdP's public key as the secret, under a kid with or without alg", async () => {
      const pem = encoder.encode(await exportSPKI(idp.rsa.publicKey));
      for (const kid of ["rsa-1", "rsa-no-alg"]) {
        const token = await sign(claims(), { alg: "HS256", kid, typ: "logout+jwt" }, pem);
        await expectInvalid(verifier.verify(token, nowSeconds()));
      }
    });

    it("an RS256 header over a key of another type (EC)", async () => {
      const token = await sign(claims(), { alg: "RS256", kid: "ec-1", typ: "logout+jwt" }, idp.rsa.privateKey);

      await expectInvalid(verifier.verify(token, nowSeconds()));
    });

    it("a token without a kid", async () => {
      const token = await sign(claims(), { typ: "logout+jwt" }, idp.rsa.privateKey);

      await expectInvalid(verifier.verify(token, nowSeconds()));
    });

    it("garbage, an encrypted-looking token and an oversized one", async () => {
      const valid = await sign(claims(), rsaHeader, idp.rsa.privateKey);
      const [header = "", payload = ""] = valid.split(".");
      const inputs = [
        "",
        "logout",
        "a.b.c",
        "a.b",
        "...",
        `${header}.${payload}`,
        `${valid}.extra.part`,
        `${header}.bm90IGpzb24.${valid.split(".")[2]}`,
        `${b64url([1, 2])}.${payload}.AAAA`,
        `${valid} `,
        `${"A".repeat(100_000)}.${payload}.AAAA`,
      ];
      for (const input of inputs) await expectInvalid(verifier.verify(input, nowSeconds()));
      await expectInvalid(verifier.verify(undefined as unknown as string, nowSeconds()));
    });

    it("never echoes the token or a claim in the message", async () => {
      const token = await sign(claims({ aud: "secret-audience-value", jti: "secret-jti-value" }), rsaHeader, idp.rsa.privateKey);

      const error = await refusal(verifier.verify(token, nowSeconds()));

      expect(error.message).not.toContain("secret");
      expect(error.message).not.toContain(token.slice(0, 20));
      expect(JSON.stringify(error)).not.toContain("secret");
    });
  });

  describe("the JWKS", () => {
    it("is fetched once, then a kid it lacks refetches it at most once in the penalty window", async () => {
      const idp2 = await startTestIdp();
      try {
        const fresh = createLogoutTokenVerifier({ issuer: idp2.issuer, clientId, jwksUri: idp2.jwksUri });
        const payload = claims({ iss: idp2.issuer });
        const valid = await sign(payload, rsaHeader, idp2.rsa.privateKey);
        await fresh.verify(valid, nowSeconds());
        await fresh.verify(valid, nowSeconds());
        expect(idp2.jwksRequests()).toBe(1);

        await expectInvalid(fresh.verify(await sign(payload, { ...rsaHeader, kid: "rotated-1" }, idp2.rsa.privateKey), nowSeconds()));
        expect(idp2.jwksRequests()).toBe(2);
        await expectInvalid(fresh.verify(await sign(payload, { ...rsaHeader, kid: "rotated-2" }, idp2.rsa.privateKey), nowSeconds()));
        await expectInvalid(fresh.verify(await sign(payload, { ...rsaHeader, kid: "rotated-3" }, idp2.rsa.privateKey), nowSeconds()));
        expect(idp2.jwksRequests()).toBe(2);

        // A known kid is still served from the cache.
        await expect(fresh.verify(valid, nowSeconds())).resolves.toMatchObject({ sub: "user-1" });
        expect(idp2.jwksRequests()).toBe(2);
      } finally {
        await idp2.close();
      }
    });

    it("keeps verifying known kids from its cache while the IdP is down", async () => {
      const idp2 = await startTestIdp();
      try {
        const fresh = createLogoutTokenVerifier({ issuer: idp2.issuer, clientId, jwksUri: idp2.jwksUri });
        const valid = await sign(claims({ iss: idp2.issuer }), rsaHeader, idp2.rsa.privateKey);
        await fresh.verify(valid, nowSeconds());
        idp2.setJwksAnswer("error");

        await expect(fresh.verify(valid, nowSeconds())).resolves.toMatchObject({ sub: "user-1" });
      } finally {
        await idp2.close();
      }
    });
  });

  describe("an unreachable or broken JWKS is the IdP's fault: 502 idp_unavailable", () => {
    it.each(["error", "garbage"] as const)("when the JWKS endpoint answers %s", async (answer) => {
      const idp2 = await startTestIdp();
      try {
        idp2.setJwksAnswer(answer);
        const fresh = createLogoutTokenVerifier({ issuer: idp2.issuer, clientId, jwksUri: idp2.jwksUri });
        const token = await sign(claims({ iss: idp2.issuer }), rsaHeader, idp2.rsa.privateKey);

        const error = await refusal(fresh.verify(token, nowSeconds()));

        expect(error).toBeInstanceOf(IdpError);
        expect(error.code).toBe("idp_unavailable");
        expect(error.status).toBe(502);
      } finally {
        await idp2.close();
      }
    });

    it("when nothing listens on the JWKS port", async () => {
      const idp2 = await startTestIdp();
      const { issuer, jwksUri } = idp2;
      const token = await sign(claims({ iss: issuer }), rsaHeader, idp2.rsa.privateKey);
      await idp2.close();
      const fresh = createLogoutTokenVerifier({ issuer, clientId, jwksUri });

      const error = await refusal(fresh.verify(token, nowSeconds()));

      expect(error).toBeInstanceOf(IdpError);
      expect(error.status).toBe(502);
    });
  });

  describe("options", () => {
    const base: LogoutTokenVerifierOptions = { issuer: "https://idp.example.com", clientId, jwksUri: "https://idp.example.com/jwks" };

    it.each<[string, Partial<LogoutTokenVerifierOptions>, string]>([
      ["a plain-http issuer off loopback", { issuer: "http://idp.example.com" }, '"issuer" must be an https URL'],
      ["an http JWKS for an https issuer", { jwksUri: "http://127.0.0.1:9/jwks" }, '"jwksUri" must be an https URL'],
      ["an empty client id", { clientId: "" }, '"clientId" must be a non-empty string'],
      ["a zero maxAgeSeconds", { maxAgeSeconds: 0 }, '"maxAgeSeconds" must be an integer from 1 to 3600'],
      ["a fractional maxAgeSeconds", { maxAgeSeconds: 1.5 }, '"maxAgeSeconds" must be an integer from 1 to 3600'],
    ])("refuses %s at creation", (_name, overrides, message) => {
      expect(() => createLogoutTokenVerifier({ ...base, ...overrides })).toThrow(ConfigError);
      expect(() => createLogoutTokenVerifier({ ...base, ...overrides })).toThrow(message);
    });

    it("uses the fetcher it is given", async () => {
      const fetched: string[] = [];
      const fetcher = {
        fetch: async (uri: string) => {
          fetched.push(uri);
          const response = await fetch(idp.jwksUri);
          return response.arrayBuffer();
        },
      };
      const custom = createLogoutTokenVerifier({ issuer: idp.issuer, clientId, jwksUri: "https://keys.example/jwks", fetcher });
      const token = await sign(claims(), rsaHeader, idp.rsa.privateKey);

      await expect(custom.verify(token, nowSeconds())).resolves.toMatchObject({ sub: "user-1" });
      expect(fetched).toEqual(["https://keys.example/jwks"]);
    });

    it("honours a shorter maxAgeSeconds", async () => {
      const strict = createLogoutTokenVerifier({ issuer: idp.issuer, clientId, jwksUri: idp.jwksUri, maxAgeSeconds: 30 });
      const payload = claims({ exp: undefined });
      const token = await sign(payload, rsaHeader, idp.rsa.privateKey);
      const iat = payload.iat as number;

      await expect(strict.verify(token, iat + 30)).resolves.toMatchObject({ rememberUntil: iat + 31 });
      await expectInvalid(strict.verify(token, iat + 31));
    });
  });
});
