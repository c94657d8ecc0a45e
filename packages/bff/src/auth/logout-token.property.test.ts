import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BadRequestError } from "@spa-bff/core";
import fc from "fast-check";
import { CompactSign, exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backchannelLogoutEvent, createLogoutTokenVerifier, type LogoutTokenVerifier } from "./logout-token.ts";

const clientId = "bff-web";
const header = { alg: "RS256", kid: "rsa-1", typ: "logout+jwt" };

/** Whatever goes wrong, the caller sees a 400 invalid_logout_token: no other class, code, or a bare Error. */
async function assertRefused(verifier: LogoutTokenVerifier, token: string, now: number): Promise<void> {
  const outcome = await verifier.verify(token, now).then(
    (claims) => ({ accepted: claims }),
    (error: unknown) => ({ error }),
  );
  expect(outcome).not.toHaveProperty("accepted");
  const { error } = outcome as { error: unknown };
  expect(error).toBeInstanceOf(BadRequestError);
  expect((error as BadRequestError).code).toBe("invalid_logout_token");
  expect((error as BadRequestError).cause).not.toBeInstanceOf(TypeError);
}

describe("logout token verifier (property)", () => {
  let server: Server;
  let issuer = "";
  let verifier: LogoutTokenVerifier;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
  let now = 0;
  let validClaims: Record<string, unknown>;
  let valid = "";

  const signClaims = (claims: Record<string, unknown>) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(header).sign(privateKey);

  beforeAll(async () => {
    const keys = await generateKeyPair("RS256", { extractable: true });
    privateKey = keys.privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: "rsa-1", alg: "RS256", use: "sig" }] });
    server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    verifier = createLogoutTokenVerifier({ issuer, clientId, jwksUri: `${issuer}/jwks` });
    now = Math.floor(Date.now() / 1000);
    validClaims = {
      iss: issuer,
      aud: clientId,
      iat: now,
      exp: now + 120,
      jti: "jti-1",
      sub: "user-1",
      sid: "idp-session-1",
      events: { [backchannelLogoutEvent]: {} },
    };
    valid = await signClaims(validClaims);
    // The base token verifies: every refusal below comes from the change made to it.
    await expect(verifier.verify(valid, now)).resolves.toMatchObject({ jti: "jti-1" });
  });
  afterAll(
    () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  );

  it("refuses any string that is not a signed logout token", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 300 }),
          fc.stringMatching(/^[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,40}$/),
          fc
            .tuple(fc.jsonValue(), fc.jsonValue(), fc.base64String({ maxLength: 40 }))
            .map(
              ([h, p, s]) =>
                `${Buffer.from(JSON.stringify(h) ?? "").toString("base64url")}.${Buffer.from(JSON.stringify(p) ?? "").toString("base64url")}.${s}`,
            ),
        ),
        (token) => assertRefused(verifier, token, now),
      ),
      { numRuns: 300 },
    );
  });

  it("refuses every change to a valid token's segments", async () => {
    const segments = valid.split(".");
    const edit = fc.record({
      segment: fc.integer({ min: 0, max: 2 }),
      at: fc.nat(),
      kind: fc.constantFrom("replace", "insert", "delete", "truncate"),
      char: fc.constantFrom(..."ABCabc019-_.=+/ %\u0000é".split("")),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const parts = [...segments];
        for (const { segment, at, kind, char } of edits) {
          const text = parts[segment] ?? "";
          const i = text.length === 0 ? 0 : at % text.length;
          parts[segment] =
            kind === "replace"
              ? text.slice(0, i) + char + text.slice(i + 1)
              : kind === "insert"
                ? text.slice(0, i) + char + text.slice(i)
                : kind === "delete"
                  ? text.slice(0, i) + text.slice(i + 1)
                  : text.slice(0, i);
        }
        const token = parts.join(".");
        // base64url ignores the spare bits of a segment's last character, so an edit there can leave the very
        // same signature bytes: that is still the IdP's valid signature, not a change.
        const sameSignature =
          parts[0] === segments[0] &&
          parts[1] === segments[1] &&
          /^[A-Za-z0-9_-]*$/.test(parts[2] ?? "") &&
          Buffer.from(parts[2] ?? "", "base64url").equals(Buffer.from(segments[2] ?? "", "base64url"));
        fc.pre(token !== valid && !sameSignature);
        await assertRefused(verifier, token, now);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a correctly signed claim set that misses or spoils a required member", async () => {
    const notAnObject = fc.jsonValue().filter((value) => typeof value !== "object" || value === null || Array.isArray(value));
    const spoil = fc.oneof(
      fc.constantFrom("iss", "aud", "iat", "jti", "events").map((name) => ({ [name]: undefined })),
      fc.constant({ sid: undefined, sub: undefined }),
      fc.jsonValue().map((nonce) => ({ nonce })),
      fc
        .jsonValue()
        .filter((value) => value !== issuer)
        .map((iss) => ({ iss })),
      fc
        .jsonValue()
        .filter((value) => value !== clientId && !(Array.isArray(value) && value.includes(clientId)))
        .map((aud) => ({ aud })),
      fc
        .oneof(
          notAnObject,
          fc.dictionary(fc.string(), fc.jsonValue()).filter((value) => !Object.hasOwn(value, backchannelLogoutEvent)),
        )
        .map((events) => ({ events })),
      notAnObject.map((event) => ({ events: { [backchannelLogoutEvent]: event } })),
      fc
        .oneof(
          fc.jsonValue().filter((value) => typeof value !== "number"),
          fc.integer({ min: 301, max: 10_000_000 }).map((age) => now - age),
          fc.integer({ min: 31, max: 10_000_000 }).map((ahead) => now + ahead),
        )
        .map((iat) => ({ iat })),
      fc
        .jsonValue()
        .filter((value) => typeof value !== "string" || value.length === 0 || value.length > 255)
        .map((jti) => ({ jti })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(spoil, { minLength: 1, maxLength: 3 }), async (spoils) => {
        const claims: Record<string, unknown> = { ...validClaims };
        for (const change of spoils) {
          for (const [name, value] of Object.entries(change)) {
            if (value === undefined) delete claims[name];
            else claims[name] = value;
          }
        }
        await assertRefused(verifier, await signClaims(claims), now);
      }),
      { numRuns: 300 },
    );
  });
});
