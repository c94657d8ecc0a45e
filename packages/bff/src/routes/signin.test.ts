import { randomBytes } from "node:crypto";
import { InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { createLogger, rateLimitTable, sessionsTable } from "@spa-bff/core";
import { startTestDynamo, type TestDynamo } from "@spa-bff/local/testing";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createBffHandler } from "../app/bff-handler.ts";
import { loadBffConfig } from "../config.ts";
import { createLocalKeyProvider, createSealer } from "../session/index.ts";
import { INVALID_CREDENTIALS_MESSAGE } from "../signin/errors.ts";
import { CODE_FAILED_MESSAGE } from "../signin/signin-service.ts";
import { CLIENT_ID, CLIENT_SECRET, createFakeCognito, type FakeUser, POOL_ID } from "../testing/fake-cognito.ts";

const origin = "https://app.example";
const SIGNIN_TABLE = "SignInAttempts-routes";
const CODE = "845127";
const alice: FakeUser = {
  username: "alice",
  password: "correct horse battery",
  sub: "sub-alice",
  email: "alice@example.com",
  name: "Alice Anderson",
};

let dynamo: TestDynamo;
let fake: ReturnType<typeof createFakeCognito> | undefined;
let testCounter = 0;

beforeAll(async () => {
  // One dynalite for the real session store and the real attempt counters.
  dynamo = await startTestDynamo({ "Sessions-test": sessionsTable, [SIGNIN_TABLE]: rateLimitTable });
});

afterAll(async () => {
  await dynamo.close();
});

afterEach(() => {
  fake?.mock.restore();
  vi.restoreAllMocks();
});

function env(loginMode: "hosted" | "branded") {
  return {
    OIDC_ISSUER: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: CLIENT_SECRET,
    APP_ORIGIN: origin,
    SESSION_TABLE: dynamo.tableName,
    IDENTIFIER_HASH_KEY: "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWg",
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    KEY_PROVIDER: "local",
    LOCAL_KEY_FILE: "/nonexistent/key.json",
    API_BASE_URL: "https://api.example/prod",
    LOGIN_MODE: loginMode,
    ...(loginMode === "branded" ? { COGNITO_USER_POOL_ID: POOL_ID, SIGNIN_TABLE } : {}),
  };
}

/**
 * The real handler and the real sign-in service and session layer over
 * dynalite, with Cognito behind aws-sdk-client-mock. Each test gets its own
 * hour on the clock and its own IP, so the fixed-window counters of other
 * tests never meet it.
 */
function setup(loginMode: "hosted" | "branded" = "branded") {
  fake = createFakeCognito({ users: [alice], preventUserExistenceErrors: true });
  fake.state.currentCode = CODE;
  const logger = createLogger("bff-signin-routes");
  logger.setLogLevel("DEBUG");
  const logged: string[] = [];
  for (const level of ["debug", "info", "warn", "error"] as const)
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => void logged.push(JSON.stringify(args)));
  const now = 1_949_999_400 + ++testCounter * 3600; // window-aligned: a multiple of 900 s
  const handler = createBffHandler(loadBffConfig(env(loginMode)), {
    sealer: createSealer(createLocalKeyProvider({ key: randomBytes(32) })),
    cognito: fake.client,
    logger,
    clock: () => now,
  });
  const ip = `203.0.113.${testCounter}`;
  return { handler, logged, ip, cognito: fake };
}

function event(
  method: string,
  rawPath: string,
  init: { cookies?: string[]; headers?: Record<string, string>; body?: unknown; ip?: string } = {},
): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString: "",
    ...(init.cookies ? { cookies: init.cookies } : {}),
    headers: { "x-csrf": "1", origin, "content-type": "application/json", ...(init.headers ?? {}) },
    requestContext: { http: { method, path: rawPath, sourceIp: init.ip ?? "192.0.2.10" }, requestId: "req-signin" },
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

function bodyOf(response: APIGatewayProxyStructuredResultV2): unknown {
  return JSON.parse(response.body ?? "");
}

/** The value a `Set-Cookie` of this response gives `name` ("" when it clears it), or undefined when it does not set it. */
function cookieValue(response: APIGatewayProxyStructuredResultV2, name: string): string | undefined {
  const line = (response.cookies ?? []).find((cookie) => cookie.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(";")[0];
}

function setCookie(response: APIGatewayProxyStructuredResultV2, name: string): string | undefined {
  return (response.cookies ?? []).find((cookie) => cookie.startsWith(`${name}=`));
}

async function passwordStep(handler: ReturnType<typeof setup>["handler"], ip: string, extraCookies: string[] = []) {
  const response = await handler(
    event("POST", "/auth/signin", { body: { username: "alice", password: alice.password }, ip, cookies: extraCookies }),
  );
  const pending = cookieValue(response, "__Host-bff-signin");
  if (response.statusCode !== 200 || !pending) throw new Error(`password step failed: ${response.statusCode} ${response.body}`);
  return { response, pending };
}

describe("branded sign-in routes", () => {
  it("signs in with password and code, replaces the old session, and the new cookie works on /auth/session", async () => {
    // Prepare
    const { handler, ip, logged } = setup();
    const before = await (async () => {
      const { pending } = await passwordStep(handler, ip);
      const done = await handler(
        event("POST", "/auth/signin/code", { body: { code: CODE }, ip, cookies: [`__Host-bff-signin=${pending}`] }),
      );
      return cookieValue(done, "__Host-session") ?? "";
    })();
    // Act
    const started = await handler(
      event("POST", "/auth/signin", { body: { username: "alice", password: alice.password }, ip, cookies: [`__Host-session=${before}`] }),
    );
    const pending = cookieValue(started, "__Host-bff-signin") ?? "";
    const done = await handler(
      event("POST", "/auth/signin/code", {
        body: { code: CODE },
        ip,
        cookies: [`__Host-session=${before}`, `__Host-bff-signin=${pending}`],
      }),
    );
    const sessionId = cookieValue(done, "__Host-session") ?? "";
    const who = await handler(event("GET", "/auth/session", { cookies: [`__Host-session=${sessionId}`] }));
    const old = await handler(event("GET", "/auth/session", { cookies: [`__Host-session=${before}`] }));
    // Assess
    expect(started.statusCode).toBe(200);
    expect(bodyOf(started)).toEqual({ challenge: "CODE", destination: "a***@example.com", retry: false });
    expect(setCookie(started, "__Host-bff-signin")).toBe(
      `__Host-bff-signin=${pending}; Max-Age=300; Path=/; HttpOnly; Secure; SameSite=Strict`,
    );
    expect(started.headers).toMatchObject({ "cache-control": "no-store" });
    expect(done.statusCode).toBe(200);
    expect(bodyOf(done)).toEqual({
      authenticated: true,
      user: { sub: "sub-alice", name: "Alice Anderson", email: "alice@example.com" },
      expiresAt: expect.any(String),
      signInMethod: "password_and_code",
    });
    expect(setCookie(done, "__Host-session")).toMatch(
      /^__Host-session=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(setCookie(done, "__Host-bff-signin")).toBe("__Host-bff-signin=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(sessionId).not.toBe(before);
    expect(bodyOf(who)).toMatchObject({ authenticated: true, user: { sub: "sub-alice" } });
    expect(bodyOf(old)).toEqual({ authenticated: false, login: "branded" });
    const logins = logged.filter((line) => line.includes('"event":"auth.login"'));
    expect(logins).toHaveLength(2);
    expect(logins[1]).toContain('"method":"branded"');
  });

  it("answers an unknown user and a wrong password with the same 401", async () => {
    // Prepare
    const { handler, ip } = setup();
    // Act
    const unknown = await handler(event("POST", "/auth/signin", { body: { username: "mallory", password: "guess" }, ip }));
    const wrong = await handler(event("POST", "/auth/signin", { body: { username: "alice", password: "guess" }, ip }));
    // Assess
    for (const response of [unknown, wrong]) {
      expect(response.statusCode).toBe(401);
      expect(bodyOf(response)).toEqual({ error: "login_failed", message: INVALID_CREDENTIALS_MESSAGE });
      expect(response.cookies ?? []).toEqual([]);
    }
  });

  it("refuses the user name from that address after 5 failures: 429 with Retry-After, without asking Cognito; another address still signs in", async () => {
    // Prepare
    const { handler, ip, cognito } = setup();
    const attempt = (password: string, from = ip) =>
      handler(event("POST", "/auth/signin", { body: { username: "alice", password }, ip: from }));
    for (let i = 0; i < 4; i++) expect((await attempt("guess")).statusCode).toBe(401);
    // Act
    const fifth = await attempt("guess");
    const callsBefore = cognito.mock.commandCalls(InitiateAuthCommand).length;
    const rightFromThere = await attempt(alice.password);
    const callsAfter = cognito.mock.commandCalls(InitiateAuthCommand).length;
    const rightFromElsewhere = await attempt(alice.password, "192.0.2.99");
    // Assess
    for (const response of [fifth, rightFromThere]) {
      expect(response.statusCode).toBe(429);
      expect(response.headers?.["retry-after"]).toBe("900");
      expect(bodyOf(response)).toEqual({
        error: "too_many_attempts",
        message: "Too many failed sign-in attempts. Try again later.",
        details: { retryAfterSeconds: 900 },
      });
    }
    expect(callsAfter).toBe(callsBefore);
    expect(rightFromElsewhere.statusCode).toBe(200);
    expect(bodyOf(rightFromElsewhere)).toMatchObject({ challenge: "CODE" });
  });

  it("asks again after a wrong code with a new pending cookie, and restarts after the third", async () => {
    // Prepare
    const { handler, ip } = setup();
    let { pending } = await passwordStep(handler, ip);
    const answers: APIGatewayProxyStructuredResultV2[] = [];
    // Act
    for (const code of ["000001", "000002", "000003"]) {
      const response = await handler(event("POST", "/auth/signin/code", { body: { code }, ip, cookies: [`__Host-bff-signin=${pending}`] }));
      answers.push(response);
      pending = cookieValue(response, "__Host-bff-signin") ?? "";
    }
    // Assess
    const [first, second, third] = answers;
    for (const retry of [first, second]) {
      expect(retry?.statusCode).toBe(200);
      expect(bodyOf(retry as APIGatewayProxyStructuredResultV2)).toEqual({
        challenge: "CODE",
        destination: "a***@example.com",
        retry: true,
      });
      expect(cookieValue(retry as APIGatewayProxyStructuredResultV2, "__Host-bff-signin")).toMatch(/.{40,}/);
    }
    expect(third?.statusCode).toBe(401);
    expect(bodyOf(third as APIGatewayProxyStructuredResultV2)).toEqual({
      error: "login_failed",
      message: CODE_FAILED_MESSAGE,
      details: { restart: true },
    });
    expect(setCookie(third as APIGatewayProxyStructuredResultV2, "__Host-bff-signin")).toContain("Max-Age=0");
    expect(setCookie(third as APIGatewayProxyStructuredResultV2, "__Host-session")).toBeUndefined();
  });

  it("refuses the code step without a pending cookie: 400 invalid_login_state", async () => {
    // Prepare
    const { handler, ip } = setup();
    // Act
    const response = await handler(event("POST", "/auth/signin/code", { body: { code: CODE }, ip }));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({ error: "invalid_login_state", message: "No sign-in is in progress. Sign in again." });
    expect(setCookie(response, "__Host-session")).toBeUndefined();
  });

  it("refuses a forged or tampered pending cookie: 400 invalid_login_state, and drops it", async () => {
    // Prepare
    const { handler, ip } = setup();
    const { pending } = await passwordStep(handler, ip);
    const tampered = `${pending.slice(0, -4)}${pending.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    // Act
    const responses = await Promise.all(
      ["forged-value", tampered].map((value) =>
        handler(event("POST", "/auth/signin/code", { body: { code: CODE }, ip, cookies: [`__Host-bff-signin=${value}`] })),
      ),
    );
    // Assess
    for (const response of responses) {
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toEqual({ error: "invalid_login_state", message: "No sign-in is in progress. Sign in again." });
      expect(setCookie(response, "__Host-bff-signin")).toContain("Max-Age=0");
      expect(setCookie(response, "__Host-session")).toBeUndefined();
    }
  });

  it("refuses both steps without X-CSRF (403 csrf_required) and cross-site (403 cross_site_request) before calling Cognito", async () => {
    // Prepare
    const { handler, ip, cognito } = setup();
    const credentials = { username: "alice", password: alice.password };
    // Act
    const noCsrf = await handler(event("POST", "/auth/signin", { body: credentials, ip, headers: { "x-csrf": "" } }));
    const noCsrfCode = await handler(event("POST", "/auth/signin/code", { body: { code: CODE }, ip, headers: { "x-csrf": "0" } }));
    const crossSite = await handler(event("POST", "/auth/signin", { body: credentials, ip, headers: { "sec-fetch-site": "cross-site" } }));
    const otherOrigin = await handler(
      event("POST", "/auth/signin", { body: credentials, ip, headers: { origin: "https://evil.example" } }),
    );
    // Assess
    for (const response of [noCsrf, noCsrfCode]) {
      expect(response.statusCode).toBe(403);
      expect(bodyOf(response)).toEqual({ error: "csrf_required", message: 'The "X-CSRF: 1" header is required' });
    }
    for (const response of [crossSite, otherOrigin]) {
      expect(response.statusCode).toBe(403);
      expect(bodyOf(response)).toEqual({ error: "cross_site_request", message: "Cross-site requests are not allowed" });
    }
    expect(cognito.mock.calls()).toHaveLength(0);
  });

  it("validates the bodies: 400 validation_failed naming each field, never echoing a value", async () => {
    // Prepare
    const { handler, ip, cognito } = setup();
    // Act
    const empty = await handler(event("POST", "/auth/signin", { body: { username: "  ", password: 42 }, ip }));
    const badCode = await handler(event("POST", "/auth/signin/code", { body: { code: "12a456" }, ip }));
    const notJson = await handler(event("POST", "/auth/signin", { body: "username=alice", ip }));
    const tooLarge = await handler(event("POST", "/auth/signin", { body: { username: "alice", password: "p".repeat(5000) }, ip }));
    // Assess
    expect(empty.statusCode).toBe(400);
    expect(bodyOf(empty)).toEqual({
      error: "validation_failed",
      message: "The sign-in request is invalid",
      details: { fields: { username: "Enter your username", password: "Enter your password" } },
    });
    expect(bodyOf(badCode)).toEqual({
      error: "validation_failed",
      message: "The sign-in request is invalid",
      details: { fields: { code: "Enter the 6-digit code" } },
    });
    expect(badCode.body).not.toContain("12a456");
    expect(notJson.statusCode).toBe(400);
    expect(bodyOf(notJson)).toEqual({ error: "bad_request", message: "The request body must be JSON" });
    expect(tooLarge.statusCode).toBe(413);
    expect(bodyOf(tooLarge)).toEqual({ error: "payload_too_large", message: "The request body exceeds 4096 bytes" });
    expect(cognito.mock.calls()).toHaveLength(0);
  });

  it("has no sign-in routes with the hosted login (404 not_found) and tells the SPA which login to show", async () => {
    // Prepare
    const { handler, cognito } = setup("hosted");
    // Act
    const signIn = await handler(event("POST", "/auth/signin", { body: { username: "alice", password: alice.password } }));
    const code = await handler(event("POST", "/auth/signin/code", { body: { code: CODE } }));
    const session = await handler(event("GET", "/auth/session"));
    // Assess
    for (const response of [signIn, code]) {
      expect(response.statusCode).toBe(404);
      expect(bodyOf(response)).toEqual({ error: "not_found", message: "No such route" });
    }
    expect(bodyOf(session)).toEqual({ authenticated: false, login: "hosted" });
    expect(cognito.mock.calls()).toHaveLength(0);
  });

  it("tells the SPA to show its own sign-in form when branded", async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const session = await handler(event("GET", "/auth/session"));
    // Assess
    expect(bodyOf(session)).toEqual({ authenticated: false, login: "branded" });
  });

  it("writes no password, code, Cognito session, token or cookie value to a log line", async () => {
    // Prepare
    const { handler, ip, logged } = setup();
    // Act
    await handler(event("POST", "/auth/signin", { body: { username: "alice", password: "wrong-password-value" }, ip }));
    const { pending } = await passwordStep(handler, ip);
    const retry = await handler(
      event("POST", "/auth/signin/code", { body: { code: "000009" }, ip, cookies: [`__Host-bff-signin=${pending}`] }),
    );
    const nextPending = cookieValue(retry, "__Host-bff-signin") ?? "";
    const done = await handler(
      event("POST", "/auth/signin/code", { body: { code: CODE }, ip, cookies: [`__Host-bff-signin=${nextPending}`] }),
    );
    // Assess
    expect(done.statusCode).toBe(200);
    const logs = logged.join("\n");
    expect(logs).toContain("auth.login");
    const secrets = [
      alice.password,
      "wrong-password-value",
      CODE,
      "000009",
      "cognito-session-",
      "access-token-of-alice",
      "refresh-token-of-alice",
      CLIENT_SECRET,
      pending,
      nextPending,
      cookieValue(done, "__Host-session") ?? "missing",
    ];
    for (const secret of secrets) expect(logs).not.toContain(secret);
    for (const response of [retry, done]) for (const secret of secrets.slice(0, 8)) expect(response.body).not.toContain(secret);
  });
});
