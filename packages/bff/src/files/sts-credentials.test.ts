import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { ConfigError, ForbiddenError, UnauthenticatedError, UpstreamError } from "@spa-bff/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createStsCredentialsProvider, roleSessionName } from "./sts-credentials.ts";

const roleArn = "arn:aws:iam::123456789012:role/spa-bff-dev-files";
const idToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
const sts = mockClient(STSClient);

afterEach(() => {
  sts.reset();
});

function provider() {
  return createStsCredentialsProvider({ roleArn, client: new STSClient({ region: "eu-west-1" }) });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

function stsError(name: string): Error {
  const error = new Error(`${name}: token ${idToken} was refused`);
  error.name = name;
  return error;
}

describe("createStsCredentialsProvider", () => {
  it("calls AssumeRoleWithWebIdentity with the ID token, the role, a session name from sub and 900 seconds", async () => {
    // Prepare
    sts.on(AssumeRoleWithWebIdentityCommand).resolves({
      Credentials: {
        AccessKeyId: "ASIAEXAMPLE",
        SecretAccessKey: "secret",
        SessionToken: "session-token",
        Expiration: new Date("2030-01-01T00:15:00Z"),
      },
    });
    // Act
    const creds = await provider().getCredentials({ sub: "auth0|5f7c1e", idToken, now: 1_893_456_000 });
    // Assess
    const calls = sts.commandCalls(AssumeRoleWithWebIdentityCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      RoleArn: roleArn,
      RoleSessionName: "auth0-5f7c1e",
      WebIdentityToken: idToken,
      DurationSeconds: 900,
    });
    expect(creds).toEqual({
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret",
      sessionToken: "session-token",
      expiresAt: Date.UTC(2030, 0, 1, 0, 15) / 1000,
    });
  });

  it("answers 401 session_expired when STS says the ID token has expired", async () => {
    // Prepare
    sts.on(AssumeRoleWithWebIdentityCommand).rejects(stsError("ExpiredTokenException"));
    // Act
    const error = await failure(provider().getCredentials({ sub: "alice", idToken, now: 0 }));
    // Assess
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error).toMatchObject({ code: "session_expired", status: 401, message: "The sign-in has expired; sign in again" });
  });

  it.each([["AccessDenied"], ["IDPRejectedClaimException"], ["InvalidIdentityTokenException"]])(
    "answers 403 forbidden when STS refuses with %s",
    async (name) => {
      // Prepare
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(stsError(name));
      // Act
      const error = await failure(provider().getCredentials({ sub: "alice", idToken, now: 0 }));
      // Assess
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error).toMatchObject({ code: "forbidden", status: 403, message: "File storage is not available to this account" });
    },
  );

  it("answers 502 when STS is unavailable", async () => {
    // Prepare
    sts.on(AssumeRoleWithWebIdentityCommand).rejects(stsError("IDPCommunicationErrorException"));
    // Act
    const error = await failure(provider().getCredentials({ sub: "alice", idToken, now: 0 }));
    // Assess
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: "upstream_unavailable", status: 502, message: "The credentials service is unavailable" });
  });

  it("never carries the ID token in the error, its message or its cause", async () => {
    // Prepare
    sts.on(AssumeRoleWithWebIdentityCommand).rejects(stsError("InvalidIdentityTokenException"));
    // Act
    const error = (await failure(provider().getCredentials({ sub: "alice", idToken, now: 0 }))) as Error;
    // Assess
    expect(JSON.stringify({ message: error.message, cause: error.cause, stack: error.stack })).not.toContain(idToken);
    expect(error.cause).toEqual({ name: "InvalidIdentityTokenException" });
  });

  it("answers 502 when STS returns no credentials", async () => {
    // Prepare
    sts.on(AssumeRoleWithWebIdentityCommand).resolves({});
    // Act
    const error = await failure(provider().getCredentials({ sub: "alice", idToken, now: 0 }));
    // Assess
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ message: "STS answered without credentials" });
  });
});

describe("createStsCredentialsProvider options", () => {
  it("refuses an STS endpoint that is not on loopback", () => {
    // Act
    const act = () => createStsCredentialsProvider({ roleArn, endpoint: "https://sts.example.com" });
    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow('Invalid STS endpoint "https://sts.example.com". Expected: a loopback URL (the local STS); leave unset in AWS');
  });
});

describe("roleSessionName", () => {
  it.each([
    ["0d8e4a2c-7b1f-4c3e-9a55-2f6d1e8b9c01", "0d8e4a2c-7b1f-4c3e-9a55-2f6d1e8b9c01"],
    ["auth0|5f7c1e", "auth0-5f7c1e"],
    ["google-oauth2|1234567890", "google-oauth2-1234567890"],
    ["user@example.com", "user@example.com"],
    ["a", "a_"],
    ["名前 with spaces/and:colons", "---with-spaces-and-colons"],
    ["x".repeat(100), "x".repeat(64)],
  ])("names the session for %j as %j", (sub, expected) => {
    // Act
    const name = roleSessionName(sub);
    // Assess
    expect(name).toBe(expected);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});
