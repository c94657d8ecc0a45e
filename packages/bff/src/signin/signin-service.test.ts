import { randomBytes } from "node:crypto";
import { InitiateAuthCommand, InternalErrorException, RespondToAuthChallengeCommand } from "@aws-sdk/client-cognito-identity-provider";
import { BadRequestError, createLogger, IdpError, rateLimitTable } from "@spa-bff/core";
import { captureOutput } from "@spa-bff/core/testing";
import { startTestDynamo, type TestDynamo } from "@spa-bff/local/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createLocalKeyProvider } from "../session/local-key-provider.ts";
import { createSealer } from "../session/sealer.ts";
import { CLIENT_ID, CLIENT_SECRET, createFakeCognito, type FakeUser, POOL_ID } from "../testing/fake-cognito.ts";
import { testHash } from "../testing/fixtures.ts";
import { createCognitoSignInClient } from "./cognito-signin-client.ts";
import { INVALID_CREDENTIALS_MESSAGE, SignInFailedError, SignInLockedError } from "./errors.ts";
import { createDynamoRateLimiter } from "./rate-limiter.ts";
import { CODE_FAILED_MESSAGE, createSignInService, type SignInResult } from "./signin-service.ts";

const alice: FakeUser = {
  username: "alice",
  password: "correct horse battery",
  sub: "sub-alice",
  email: "alice@example.com",
  name: "Alice Anderson",
};
const bob: FakeUser = { username: "bob", password: "bobs secret phrase", sub: "sub-bob", email: "bob@example.com", name: "Bob Brown" };

let dynamo: TestDynamo;
let fake: ReturnType<typeof createFakeCognito>;
let tableCounter = 0;

beforeAll(async () => {
  dynamo = await startTestDynamo({ "SignInAttempts-test": rateLimitTable });
});

afterAll(async () => {
  await dynamo.close();
});

afterEach(() => {
  fake.mock.restore();
  vi.restoreAllMocks();
});

/** Each test gets a clock in its own hour, so fixed-window counters of other tests never meet it. */
function setup() {
  fake = createFakeCognito({ users: [alice, bob], preventUserExistenceErrors: true });
  const output = captureOutput();
  const logger = createLogger("bff-signin-test");
  logger.setLogLevel("DEBUG");
  // Window-aligned (a multiple of 900 s), so a full counter says "retry after 900 s".
  const clock = { now: 1_899_999_900 + ++tableCounter * 3600 };
  const service = createSignInService({
    cognito: createCognitoSignInClient({ client: fake.client, userPoolId: POOL_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    rateLimiter: createDynamoRateLimiter({ client: dynamo.client, tableName: dynamo.tableName, hash: testHash }),
    sealer: createSealer(createLocalKeyProvider({ key: randomBytes(32) })),
    clock: () => clock.now,
    logger,
    hash: testHash,
  });
  const ip = `198.51.100.${tableCounter}`;
  return { service, clock, ip, logs: output.text };
}

function expectCode(result: SignInResult) {
  if (result.kind !== "code_required") throw new Error(`expected code_required, got ${result.kind}`);
  return result;
}

describe("branded sign-in service", () => {
  it("signs in with password then code and returns the session's user and tokens", async () => {
    // Prepare
    const { service, ip } = setup();
    // Act
    const started = expectCode(await service.start({ username: "alice", password: alice.password, ip }));
    const done = await service.answer({ code: "123456", pending: started.pending, ip });
    // Assess
    expect(started).toMatchObject({ kind: "code_required", retry: false, destination: "a***@example.com", pendingMaxAgeSeconds: 300 });
    expect(started.pending).not.toContain("cognito-session");
    expect(done).toEqual({
      kind: "signed_in",
      user: { sub: "sub-alice", email: "alice@example.com", name: "Alice Anderson", username: "alice" },
      tokens: expect.objectContaining({
        accessToken: "access-token-of-alice",
        refreshToken: "refresh-token-of-alice",
        idToken: expect.any(String),
      }),
    });
  });

  it("answers an unknown user and a wrong password with the same error", async () => {
    // Prepare
    const { service, ip } = setup();
    // Act
    const unknown = await service.start({ username: "mallory", password: "guess", ip }).catch((error: unknown) => error);
    const wrong = await service.start({ username: "alice", password: "guess", ip }).catch((error: unknown) => error);
    // Assess
    for (const error of [unknown, wrong]) {
      expect(error).toBeInstanceOf(SignInFailedError);
      expect(error).toMatchObject({ code: "login_failed", status: 401, message: INVALID_CREDENTIALS_MESSAGE, details: undefined });
    }
  });

  it("refuses a user name from one address after 5 attempts, without asking Cognito, for known and unknown names alike", async () => {
    // Prepare
    const { service, ip, clock } = setup();
    for (const username of ["alice", "nobody"]) {
      for (let i = 0; i < 4; i++) await expect(service.start({ username, password: "guess", ip })).rejects.toThrow(SignInFailedError);
      // Act
      const fifth = service.start({ username, password: "guess", ip });
      // Assess
      await expect(fifth).rejects.toThrow(SignInLockedError);
    }
    const callsBefore = fake.mock.commandCalls(InitiateAuthCommand).length;
    const locked = await service.start({ username: "ALICE", password: alice.password, ip }).catch((error: unknown) => error);
    expect(locked).toBeInstanceOf(SignInLockedError);
    expect(locked).toMatchObject({
      code: "too_many_attempts",
      status: 429,
      message: "Too many failed sign-in attempts. Try again later.",
      details: { retryAfterSeconds: 900 },
    });
    expect(fake.mock.commandCalls(InitiateAuthCommand)).toHaveLength(callsBefore);
    expect(expectCode(await service.start({ username: "alice", password: alice.password, ip: "192.0.2.1" })).kind).toBe("code_required");
    clock.now += 900;
    expect(expectCode(await service.start({ username: "alice", password: alice.password, ip })).kind).toBe("code_required");
  });

  it("lets at most 5 of 25 parallel wrong passwords from one address reach Cognito, and the right one from another address works", async () => {
    // Prepare
    const { service, ip } = setup();
    const callsBefore = fake.mock.commandCalls(InitiateAuthCommand).length;
    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, () => service.start({ username: "bob", password: "guess", ip }).catch((error: unknown) => error)),
    );
    const elsewhere = await service.start({ username: "bob", password: bob.password, ip: "192.0.2.77" });
    // Assess
    expect(fake.mock.commandCalls(InitiateAuthCommand).length - callsBefore).toBeLessThanOrEqual(6);
    expect(outcomes.filter((error) => error instanceof SignInFailedError).length).toBeLessThanOrEqual(5);
    expect(outcomes.filter((error) => error instanceof SignInLockedError).length).toBeGreaterThanOrEqual(20);
    expect(elsewhere.kind).toBe("code_required");
  });

  it("locks an IP out after 20 failures over many user names", async () => {
    // Prepare
    const { service, ip } = setup();
    for (let i = 0; i < 19; i++)
      await expect(service.start({ username: `user-${i}`, password: "spray", ip })).rejects.toThrow(SignInFailedError);
    // Act
    const twentieth = await service.start({ username: "user-19", password: "spray", ip }).catch((error: unknown) => error);
    const correctFromThatIp = await service.start({ username: "bob", password: bob.password, ip }).catch((error: unknown) => error);
    const correctFromElsewhere = await service.start({ username: "bob", password: bob.password, ip: "192.0.2.200" });
    // Assess
    expect(twentieth).toBeInstanceOf(SignInLockedError);
    expect(correctFromThatIp).toBeInstanceOf(SignInLockedError);
    expect(correctFromElsewhere.kind).toBe("code_required");
  });

  it("asks again after a wrong code, with a new pending value, and the old one no longer works", async () => {
    // Prepare
    const { service, ip } = setup();
    const started = expectCode(await service.start({ username: "alice", password: alice.password, ip }));
    // Act
    const retry = expectCode(await service.answer({ code: "000000", pending: started.pending, ip }));
    const replay = await service.answer({ code: "123456", pending: started.pending, ip }).catch((error: unknown) => error);
    // Assess
    expect(retry).toMatchObject({ kind: "code_required", retry: true });
    expect(retry.pending).not.toBe(started.pending);
    expect(replay).toBeInstanceOf(SignInFailedError);
    expect(replay).toMatchObject({ code: "login_failed", status: 401, message: CODE_FAILED_MESSAGE, details: { restart: true } });
  });

  it("fails with a clear message after three wrong codes", async () => {
    // Prepare
    const { service, ip } = setup();
    let step = expectCode(await service.start({ username: "alice", password: alice.password, ip }));
    step = expectCode(await service.answer({ code: "000001", pending: step.pending, ip }));
    step = expectCode(await service.answer({ code: "000002", pending: step.pending, ip }));
    // Act
    const third = await service.answer({ code: "000003", pending: step.pending, ip }).catch((error: unknown) => error);
    // Assess
    expect(third).toBeInstanceOf(SignInFailedError);
    expect(third).toMatchObject({ code: "login_failed", status: 401, message: CODE_FAILED_MESSAGE, details: { restart: true } });
  });

  it("counts wrong codes toward the user's lockout", async () => {
    // Prepare
    const { service, ip } = setup();
    for (let i = 0; i < 3; i++) await expect(service.start({ username: "bob", password: "guess", ip })).rejects.toThrow(SignInFailedError);
    const started = expectCode(await service.start({ username: "bob", password: bob.password, ip }));
    const retry = expectCode(await service.answer({ code: "000000", pending: started.pending, ip }));
    // Act
    const fifth = await service.answer({ code: "000001", pending: retry.pending, ip }).catch((error: unknown) => error);
    // Assess
    expect(fifth).toBeInstanceOf(SignInLockedError);
    expect(fifth).toMatchObject({ code: "too_many_attempts", status: 429, details: { retryAfterSeconds: 900 } });
  });

  it("refuses a missing, forged or expired pending sign-in as invalid_login_state", async () => {
    // Prepare
    const { service, ip, clock } = setup();
    const started = expectCode(await service.start({ username: "alice", password: alice.password, ip }));
    const forged = `${started.pending.slice(0, -4)}AAAA`;
    // Act
    const results = await Promise.all([
      service.answer({ code: "123456", pending: undefined, ip }).catch((error: unknown) => error),
      service.answer({ code: "123456", pending: forged, ip }).catch((error: unknown) => error),
      service.answer({ code: "123456", pending: started.pending, ip }, clock.now + 300).catch((error: unknown) => error),
    ]);
    // Assess
    for (const error of results) {
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ code: "invalid_login_state", status: 400, message: "No sign-in is in progress. Sign in again." });
    }
  });

  it("rejects malformed input with 400 without calling Cognito", async () => {
    // Prepare
    const { service, ip } = setup();
    const started = expectCode(await service.start({ username: "alice", password: alice.password, ip }));
    const calls = fake.mock.calls().length;
    // Act
    const noUser = service.start({ username: "", password: "x", ip });
    const longPassword = service.start({ username: "alice", password: "p".repeat(257), ip });
    const letters = service.answer({ code: "12345a", pending: started.pending, ip });
    // Assess
    await expect(noUser).rejects.toMatchObject({
      name: "BadRequestError",
      code: "bad_request",
      message: '"username" must be a non-empty string of at most 128 characters',
    });
    await expect(longPassword).rejects.toMatchObject({
      code: "bad_request",
      message: '"password" must be a non-empty string of at most 256 characters',
    });
    await expect(letters).rejects.toMatchObject({ code: "bad_request", message: '"code" must be the 6 digits from the email' });
    expect(fake.mock.calls()).toHaveLength(calls);
  });

  it("answers 502 when Cognito fails, without counting a failure", async () => {
    // Prepare
    const { service, ip } = setup();
    fake.mock.on(InitiateAuthCommand).rejects(new InternalErrorException({ message: "internal", $metadata: {} }));
    // Act
    const result = service.start({ username: "bob", password: bob.password, ip }).catch((error: unknown) => error);
    // Assess
    const error = await result;
    expect(error).toBeInstanceOf(IdpError);
    expect(error).toMatchObject({ code: "idp_unavailable", status: 502 });
  });

  it("writes no password, code, Cognito session or token to the logs", async () => {
    // Prepare
    const { service, ip, logs } = setup();
    await service.start({ username: "alice", password: "wrong-password-123", ip }).catch(() => undefined);
    const started = expectCode(await service.start({ username: "alice", password: alice.password, ip }));
    const retry = expectCode(await service.answer({ code: "000000", pending: started.pending, ip }));
    // Act
    await service.answer({ code: "123456", pending: retry.pending, ip });
    // Assess
    const text = logs();
    expect(text.length).toBeGreaterThan(0);
    const sessions = fake.mock.commandCalls(RespondToAuthChallengeCommand).map((call) => String(call.args[0].input.Session));
    for (const secret of [
      alice.password,
      "wrong-password-123",
      "000000",
      "123456",
      "access-token-of-alice",
      "refresh-token-of-alice",
      started.pending,
      ...sessions,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
