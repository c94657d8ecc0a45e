import { InitiateAuthCommand, InternalErrorException, RespondToAuthChallengeCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLIENT_ID, CLIENT_SECRET, createFakeCognito, type FakeUser, POOL_ID } from "../testing/fake-cognito.ts";
import { CognitoSignInError, createCognitoSignInClient } from "./cognito-signin-client.ts";
import { createSrpClientKey } from "./srp.ts";

/** SECRET_HASH for "alice" with CLIENT_ID/CLIENT_SECRET: printf 'aliceweb-client-id' | openssl dgst -sha256 -hmac 'web-client-secret' -binary | base64 */
const ALICE_SECRET_HASH = "qjFjHl6Ruk1c9i+EVDntcEWjwSgNHb05XL+8NOFWICk=";

const alice: FakeUser = {
  username: "alice",
  password: "correct horse battery",
  sub: "sub-alice",
  email: "alice@example.com",
  name: "Alice Anderson",
};
const NOW = new Date(Date.UTC(2026, 10, 21, 5, 4, 3));

let fake: ReturnType<typeof createFakeCognito>;

afterEach(() => {
  fake.mock.restore();
  vi.useRealTimers();
});

async function setup(users: FakeUser[] = [alice], preventUserExistenceErrors = false) {
  // The SRP TIMESTAMP is the wall clock (the library's DateHelper): pin it.
  vi.useFakeTimers({ toFake: ["Date"], now: NOW });
  fake = createFakeCognito({ users, preventUserExistenceErrors });
  const key = await createSrpClientKey(POOL_ID);
  const cognito = createCognitoSignInClient({
    client: fake.client,
    userPoolId: POOL_ID,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    createKey: async () => key,
  });
  return { cognito, key };
}

describe("Cognito sign-in client", () => {
  it("starts CUSTOM_AUTH with SRP_A and SECRET_HASH, then answers PASSWORD_VERIFIER, reaching the code step", async () => {
    // Prepare
    const { cognito, key } = await setup();
    // Act
    const step = await cognito.startWithPassword("alice", alice.password);
    // Assess
    expect(step).toEqual({
      kind: "code",
      session: expect.stringMatching(/^cognito-session-2-/),
      username: "alice",
      destination: "a***@example.com",
    });
    const initiate = fake.mock.commandCalls(InitiateAuthCommand);
    expect(initiate).toHaveLength(1);
    expect(initiate[0]?.args[0].input).toEqual({
      ClientId: CLIENT_ID,
      AuthFlow: "CUSTOM_AUTH",
      AuthParameters: { USERNAME: "alice", SECRET_HASH: ALICE_SECRET_HASH, CHALLENGE_NAME: "SRP_A", SRP_A: key.largeAHex },
    });
    const respond = fake.mock.commandCalls(RespondToAuthChallengeCommand);
    expect(respond).toHaveLength(1);
    expect(respond[0]?.args[0].input).toEqual({
      ClientId: CLIENT_ID,
      ChallengeName: "PASSWORD_VERIFIER",
      Session: expect.stringMatching(/^cognito-session-1-/),
      ChallengeResponses: {
        USERNAME: "alice",
        PASSWORD_CLAIM_SECRET_BLOCK: expect.any(String),
        PASSWORD_CLAIM_SIGNATURE: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
        TIMESTAMP: "Sat Nov 21 05:04:03 UTC 2026",
        SECRET_HASH: ALICE_SECRET_HASH,
      },
    });
    expect(JSON.stringify([initiate[0]?.args[0].input, respond[0]?.args[0].input])).not.toContain(alice.password);
  });

  it("uses USER_ID_FOR_SRP, not the name as typed, from the verifier step on", async () => {
    // Prepare
    const { cognito } = await setup();
    // Act
    const step = await cognito.startWithPassword("ALICE", alice.password);
    // Assess
    expect(step).toMatchObject({ kind: "code", username: "alice" });
    expect(fake.mock.commandCalls(InitiateAuthCommand)[0]?.args[0].input.AuthParameters?.USERNAME).toBe("ALICE");
    expect(fake.mock.commandCalls(RespondToAuthChallengeCommand)[0]?.args[0].input.ChallengeResponses?.SECRET_HASH).toBe(ALICE_SECRET_HASH);
  });

  it("answers CUSTOM_CHALLENGE with ANSWER, USERNAME and SECRET_HASH and returns the tokens", async () => {
    // Prepare
    const { cognito } = await setup();
    const started = await cognito.startWithPassword("alice", alice.password);
    if (started.kind !== "code") throw new Error("expected the code step");
    // Act
    const step = await cognito.answerCode(started.username, started.session, "123456");
    // Assess
    expect(step).toMatchObject({
      kind: "tokens",
      result: { AccessToken: "access-token-of-alice", RefreshToken: "refresh-token-of-alice", ExpiresIn: 3600 },
    });
    expect(fake.mock.commandCalls(RespondToAuthChallengeCommand)[1]?.args[0].input).toEqual({
      ClientId: CLIENT_ID,
      ChallengeName: "CUSTOM_CHALLENGE",
      Session: started.session,
      ChallengeResponses: { USERNAME: "alice", ANSWER: "123456", SECRET_HASH: ALICE_SECRET_HASH },
    });
  });

  it("returns a new code step after a wrong code", async () => {
    // Prepare
    const { cognito } = await setup();
    const started = await cognito.startWithPassword("alice", alice.password);
    if (started.kind !== "code") throw new Error("expected the code step");
    // Act
    const step = await cognito.answerCode(started.username, started.session, "000000");
    // Assess
    expect(step).toMatchObject({ kind: "code", username: "alice" });
    expect(step.kind === "code" && step.session).not.toBe(started.session);
  });

  it("reports a wrong password as rejected", async () => {
    // Prepare
    const { cognito } = await setup();
    // Act
    const result = cognito.startWithPassword("alice", "wrong password");
    // Assess
    await expect(result).rejects.toThrow(CognitoSignInError);
    await expect(result).rejects.toMatchObject({ reason: "rejected", message: "Cognito refused the sign-in (NotAuthorizedException)" });
  });

  it("reports an unknown user as rejected, with or without PreventUserExistenceErrors", async () => {
    // Prepare
    const plain = (await setup([alice], false)).cognito;
    const plainResult = plain.startWithPassword("mallory", "whatever");
    await expect(plainResult).rejects.toMatchObject({
      name: "CognitoSignInError",
      reason: "rejected",
      message: "Cognito refused the sign-in (UserNotFoundException)",
    });
    fake.mock.restore();
    const prevented = (await setup([alice], true)).cognito;
    // Act
    const preventedResult = prevented.startWithPassword("mallory", "whatever");
    // Assess
    await expect(preventedResult).rejects.toMatchObject({ name: "CognitoSignInError", reason: "rejected" });
  });

  it("reports a replayed Cognito session as rejected", async () => {
    // Prepare
    const { cognito } = await setup();
    const started = await cognito.startWithPassword("alice", alice.password);
    if (started.kind !== "code") throw new Error("expected the code step");
    await cognito.answerCode(started.username, started.session, "000000");
    // Act
    const replay = cognito.answerCode(started.username, started.session, "123456");
    // Assess
    await expect(replay).rejects.toMatchObject({ reason: "rejected" });
  });

  it("reports a Cognito fault as unavailable and an unexpected challenge as unavailable", async () => {
    // Prepare
    const { cognito } = await setup();
    fake.mock.on(InitiateAuthCommand).rejects(new InternalErrorException({ message: "boom", $metadata: {} }));
    // Act
    const fault = cognito.startWithPassword("alice", alice.password);
    // Assess
    await expect(fault).rejects.toMatchObject({ reason: "unavailable", message: "Cognito call failed (InternalErrorException)" });
    fake.mock.on(InitiateAuthCommand).resolves({ ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "s" });
    await expect(cognito.startWithPassword("alice", alice.password)).rejects.toMatchObject({
      reason: "unavailable",
      message: "Unexpected answer to InitiateAuth: NEW_PASSWORD_REQUIRED",
    });
  });
});
