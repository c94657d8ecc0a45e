import { BadRequestError, createLogger, ErrorCodes, IdpError, SessionStoreError, TooManyRequestsError } from "@spa-bff/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import type { LogoutClaims, LogoutTokenVerifier } from "../auth/logout-token.ts";
import { createBffRequest } from "../http/request.ts";
import type { NewSession } from "../session/types.ts";
import { createUserSessions } from "../session/user-sessions.ts";
import { memorySessionLayer, testHash, testNow } from "../testing/fixtures.ts";
import { backchannelLogoutRoute } from "./backchannel-logout.ts";

function login(sub: string, label: string, idpSessionId?: string): NewSession {
  return {
    user: { sub },
    tokens: { accessToken: `access-${label}`, accessTokenExpiresAt: testNow + 900, refreshToken: `refresh-${label}` },
    signInMethod: "password",
    device: "Firefox on Linux",
    ...(idpSessionId ? { idpSessionId } : {}),
  };
}

/** A verifier that accepts the tokens it is given claims for, and refuses any other as the real one does. */
function verifierOf(claimsByToken: Record<string, LogoutClaims>): LogoutTokenVerifier {
  return {
    verify: async (token) => {
      const claims = claimsByToken[token];
      if (!claims) throw new BadRequestError(undefined, { code: ErrorCodes.invalidLogoutToken });
      return claims;
    },
  };
}

function setup(claimsByToken: Record<string, LogoutClaims>, limit = { requests: 60, windowSeconds: 60 }) {
  const { store, sealer, sessions } = memorySessionLayer();
  const logoutTokens = verifierOf(claimsByToken);
  const verify = vi.spyOn(logoutTokens, "verify");
  const revoked: string[] = [];
  const userSessions = createUserSessions({ store, revocation: { sealer, revoke: async (token) => void revoked.push(token) } });
  const audit = vi.fn();
  const route = backchannelLogoutRoute({ logoutTokens, userSessions, store, hash: testHash, audit, limit });
  let forged = 0;
  const post = (
    body: string,
    headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" },
    ip = "192.0.2.10",
  ) =>
    Promise.resolve(
      route.handler(
        createBffRequest(
          {
            version: "2.0",
            rawPath: "/auth/backchannel-logout",
            rawQueryString: "",
            // A new made-up viewer address each time: the receiver has no CloudFront in front to vouch for it.
            headers: { ...headers, "x-viewer-ip": `198.51.100.${++forged % 250}` },
            requestContext: { http: { method: "POST", path: "/auth/backchannel-logout", sourceIp: ip }, requestId: "r" },
            body,
            isBase64Encoded: false,
          } as unknown as APIGatewayProxyEventV2,
          "r",
          testNow,
          createLogger("bcl-test"),
        ),
      ),
    );
  return { store, sessions, post, revoked, audit, userSessions, verify };
}

const until = testNow + 300;

describe("POST /auth/backchannel-logout", () => {
  it("ends the sessions of the token's IdP session only, revokes their refresh tokens, and answers 200 no-store", async () => {
    // Prepare
    const { sessions, post, revoked, audit } = setup({ t1: { sid: "idp-1", sub: "alice", jti: "j1", rememberUntil: until } });
    const inIdpSession = await sessions.create(login("alice", "a", "idp-1"), testNow);
    const otherIdpSession = await sessions.create(login("alice", "b", "idp-2"), testNow);
    // Act
    const response = await post("logout_token=t1");
    // Assess
    expect(response).toMatchObject({ statusCode: 200, headers: { "cache-control": "no-store" }, body: "" });
    expect(await sessions.get(inIdpSession.id, testNow)).toBeUndefined();
    expect(await sessions.get(otherIdpSession.id, testNow)).toBeDefined();
    expect(revoked).toEqual(["refresh-a"]);
    expect(audit).toHaveBeenCalledWith("auth.backchannel_logout", expect.objectContaining({ sub: "alice", reason: "sid", ended: 1 }));
  });

  it("ends every session of the user when the token names only a sub", async () => {
    // Prepare
    const { sessions, post } = setup({ t1: { sub: "alice", jti: "j1", rememberUntil: until } });
    const a = await sessions.create(login("alice", "a", "idp-1"), testNow);
    const b = await sessions.create(login("alice", "b"), testNow);
    const bob = await sessions.create(login("bob", "c"), testNow);
    // Act
    const response = await post("logout_token=t1");
    // Assess
    expect(response.statusCode).toBe(200);
    expect(await sessions.get(a.id, testNow)).toBeUndefined();
    expect(await sessions.get(b.id, testNow)).toBeUndefined();
    expect(await sessions.get(bob.id, testNow)).toBeDefined();
  });

  it("refuses a replayed token with 400 invalid_logout_token and ends nothing more", async () => {
    // Prepare
    const { sessions, post } = setup({ t1: { sub: "alice", jti: "j1", rememberUntil: until } });
    await post("logout_token=t1");
    const later = await sessions.create(login("alice", "later"), testNow);
    // Act
    const replay = await post("logout_token=t1").catch((error: unknown) => error);
    // Assess
    expect(replay).toBeInstanceOf(BadRequestError);
    expect(replay).toMatchObject({ code: "invalid_logout_token", status: 400 });
    expect(await sessions.get(later.id, testNow)).toBeDefined();
  });

  it.each([
    ["a JSON body", '{"logout_token":"t1"}', { "content-type": "application/json" }],
    ["no token", "other=1", undefined],
    ["two tokens", "logout_token=t1&logout_token=t1", undefined],
    ["an unknown token", "logout_token=forged", undefined],
    ["an empty body", "", undefined],
  ])("refuses %s with 400 invalid_logout_token", async (_case, body, headers) => {
    // Prepare
    const { sessions, post } = setup({ t1: { sub: "alice", jti: "j1", rememberUntil: until } });
    const session = await sessions.create(login("alice", "a"), testNow);
    // Act
    const error = await post(body, headers).catch((caught: unknown) => caught);
    // Assess
    expect(error).toMatchObject({ code: "invalid_logout_token", status: 400 });
    expect(await sessions.get(session.id, testNow)).toBeDefined();
  });

  it("limits each connection address before verifying, whatever x-viewer-ip says, and answers 429 with Retry-After past the limit", async () => {
    // Prepare
    const { post, verify } = setup({}, { requests: 3, windowSeconds: 60 });
    // Act
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await post("logout_token=forged").catch((error: unknown) => error));
    const otherAddress = await post("logout_token=forged", undefined, "192.0.2.99").catch((error: unknown) => error);
    // Assess
    expect(outcomes.slice(0, 3).every((error) => error instanceof BadRequestError)).toBe(true);
    expect(outcomes[3]).toBeInstanceOf(TooManyRequestsError);
    expect((outcomes[3] as TooManyRequestsError).headers).toMatchObject({ "retry-after": expect.any(String) });
    expect(otherAddress).toBeInstanceOf(BadRequestError);
    // The refused request never reached the (costly) signature check.
    expect(verify).toHaveBeenCalledTimes(4);
  });

  it("forgets the jti when ending the sessions fails, so the IdP's retry is not taken for a replay", async () => {
    // Prepare
    const { sessions, post, store } = setup({ t1: { sub: "alice", jti: "j1", rememberUntil: until } });
    const session = await sessions.create(login("alice", "a"), testNow);
    const list = vi.spyOn(store, "listPartition").mockRejectedValueOnce(new SessionStoreError());
    // Act
    const failed = await post("logout_token=t1").catch((error: unknown) => error);
    const retry = await post("logout_token=t1");
    // Assess
    expect(failed).toBeInstanceOf(SessionStoreError);
    expect(list).toHaveBeenCalled();
    expect(retry.statusCode).toBe(200);
    expect(await sessions.get(session.id, testNow)).toBeUndefined();
  });

  it("passes an unreachable JWKS on as 502, not 400, so the IdP retries", async () => {
    // Prepare
    const { store, userSessions } = setup({});
    const route = backchannelLogoutRoute({
      logoutTokens: { verify: async () => Promise.reject(new IdpError()) },
      userSessions,
      store,
      hash: testHash,
      audit: vi.fn(),
    });
    const request = createBffRequest(
      {
        rawPath: "/auth/backchannel-logout",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        requestContext: { http: { method: "POST", sourceIp: "192.0.2.1" } },
        body: "logout_token=t",
      } as unknown as APIGatewayProxyEventV2,
      "r",
      testNow,
      createLogger("bcl-test"),
    );
    // Act
    const error = await Promise.resolve(route.handler(request)).catch((caught: unknown) => caught);
    // Assess
    expect(error).toMatchObject({ status: 502 });
  });
});
