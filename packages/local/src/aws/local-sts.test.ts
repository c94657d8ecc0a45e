import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdp } from "../idp/start-idp.ts";
import { startTestIssuer, type TestIssuer } from "../testing/test-issuer.ts";
import { localArnResolver } from "./arns.ts";
import { createLocalIam, type LocalIam } from "./local-iam.ts";
import { type LocalSts, startLocalSts } from "./local-sts.ts";

const webClientId = "local-web";
const resolve = localArnResolver({
  accountId: "123456789012",
  region: "us-east-1",
  tables: { Sessions: "local-Sessions", Items: "local-Items", SignInAttempts: "local-SignInAttempts" },
  bucket: "local-files",
});

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("the local STS", () => {
  let issuer: TestIssuer;
  let iam: LocalIam;
  let sts: LocalSts;
  let client: STSClient;
  let clock = Date.now();

  beforeAll(async () => {
    issuer = await startTestIssuer(webClientId);
    iam = createLocalIam({ resolve, now: () => clock });
    sts = await startLocalSts({ port: 0, iam, issuer: issuer.issuer, audience: webClientId });
    // No credentials: AssumeRoleWithWebIdentity is an unsigned call, as the BFF makes it.
    client = new STSClient({ region: "us-east-1", endpoint: sts.endpoint, maxAttempts: 1 });
  });

  afterAll(async () => {
    client?.destroy();
    await sts?.stop();
    await issuer?.stop();
  });

  function assume(token: string, overrides: { RoleArn?: string; DurationSeconds?: number } = {}) {
    return client.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: iam.filesRoleArn,
        RoleSessionName: "alice",
        WebIdentityToken: token,
        DurationSeconds: 900,
        ...overrides,
      }),
    );
  }

  it("exchanges the web client's ID token for files-role credentials that carry its sub", async () => {
    // Prepare
    clock = Date.now();
    const token = await issuer.idToken({ sub: "0d8e4a2c-alice" });
    // Act
    const answer = await assume(token);
    // Assess
    expect(answer.SubjectFromWebIdentityToken).toBe("0d8e4a2c-alice");
    expect(answer.Audience).toBe(webClientId);
    expect(answer.Provider).toBe(issuer.issuer);
    expect(answer.AssumedRoleUser?.Arn).toBe("arn:aws:sts::123456789012:assumed-role/local-files/alice");
    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(answer.Credentials?.Expiration?.getTime()).toBe((Math.floor(clock / 1000) + 900) * 1000);
    const own = iam.authorize(answer.Credentials?.AccessKeyId ?? "", "s3:PutObject", "arn:aws:s3:::local-files/uploads/0d8e4a2c-alice/x", {
      sessionToken: answer.Credentials?.SessionToken,
    });
    expect(own.allowed).toBe(true);
  });

  it("issues credentials for the role's maximum (3600 s) by default, and refuses more", async () => {
    // Prepare
    clock = Date.now();
    const token = await issuer.idToken({ sub: "alice" });
    // Act
    const byDefault = await client.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: iam.filesRoleArn, RoleSessionName: "alice", WebIdentityToken: token }),
    );
    const tooLong = await failure(assume(token, { DurationSeconds: 3601 }));
    const tooShort = await failure(assume(token, { DurationSeconds: 899 }));
    // Assess
    expect(byDefault.Credentials?.Expiration?.getTime()).toBe((Math.floor(clock / 1000) + 3600) * 1000);
    expect(tooLong).toMatchObject({
      name: "ValidationError",
      message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    });
    expect(tooShort.name).toBe("ValidationError");
    expect(tooShort.message).toContain("Member must have value greater than or equal to 900");
  });

  it("gives no credentials for an expired ID token (ExpiredTokenException)", async () => {
    // Prepare: issued 20 minutes ago, so its 15 minutes are over.
    clock = Date.now();
    const issuedAt = Math.floor(clock / 1000) - 1200;
    const token = await issuer.idToken({ sub: "alice" }, { nowSeconds: issuedAt });
    // Act
    const error = await failure(assume(token));
    // Assess
    expect(error.name).toBe("ExpiredTokenException");
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      `Token expired: current date/time ${Math.floor(clock / 1000)} must be before the expiration date/time ${issuedAt + 900}`,
    );
  });

  it("refuses a token for another audience (InvalidIdentityToken)", async () => {
    // Prepare
    const token = await issuer.idToken({ sub: "alice" }, { audience: "local-m2m" });
    // Act
    const error = await failure(assume(token));
    // Assess
    expect(error.name).toBe("InvalidIdentityTokenException");
    expect(error.message).toBe("Incorrect token audience");
  });

  it("refuses an access token, which has no audience", async () => {
    // Prepare: Cognito's access tokens carry client_id, not aud.
    const token = await issuer.idToken({ sub: "alice", token_use: "access", client_id: webClientId, aud: undefined });
    // Act
    const error = await failure(assume(token));
    // Assess
    expect(error.name).toBe("InvalidIdentityTokenException");
    expect(error.message).toBe("Incorrect token audience");
  });

  it("refuses a token of another issuer (InvalidIdentityToken)", async () => {
    // Prepare
    const token = await issuer.idToken({ sub: "alice", iss: "http://127.0.0.1:1/evil" });
    // Act
    const error = await failure(assume(token));
    // Assess
    expect(error.name).toBe("InvalidIdentityTokenException");
    expect(error.message).toBe("No OpenIDConnect provider found in your account for http://127.0.0.1:1/evil");
  });

  it("refuses a token whose signature is not the issuer's (InvalidIdentityToken)", async () => {
    // Prepare
    const token = await issuer.idToken({ sub: "alice" }, { signedBy: "stranger" });
    // Act
    const error = await failure(assume(token));
    // Assess
    expect(error.name).toBe("InvalidIdentityTokenException");
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe("Signature verification failed");
  });

  it("refuses a token that is not a JWT (InvalidIdentityToken)", async () => {
    // Act
    const error = await failure(assume("not-a-jwt"));
    // Assess
    expect(error.name).toBe("InvalidIdentityTokenException");
  });

  it("refuses any role but the files role (AccessDenied)", async () => {
    // Prepare
    const token = await issuer.idToken({ sub: "alice" });
    // Act
    const error = await failure(assume(token, { RoleArn: "arn:aws:iam::123456789012:role/admin" }));
    // Assess
    expect(error.name).toBe("AccessDenied");
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toBe("Not authorized to perform sts:AssumeRoleWithWebIdentity");
  });

  it("answers an unknown action with InvalidAction", async () => {
    // Act
    const response = await fetch(sts.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    // Assess
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("<Code>InvalidAction</Code>");
  });
});

describe("the local STS against the local IdP", () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "spa-bff-sts-"));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("verifies an ID token signed with the IdP's key through the IdP's own JWKS", async () => {
    // Prepare: the IdP keeps its key in the data folder; a token signed with it is one the IdP could have issued.
    const idp = await startIdp({
      port: 0,
      keysDir: dataDir,
      clients: {
        web: {
          clientId: webClientId,
          clientSecret: "s".repeat(43),
          redirectUris: ["http://localhost:3000/auth/callback"],
          postLogoutRedirectUris: [],
        },
        m2m: { clientId: "local-m2m", clientSecret: "m".repeat(43) },
      },
    });
    const keys = JSON.parse(await readFile(join(dataDir, "idp-keys.json"), "utf8")) as { jwks: { keys: Array<Record<string, string>> } };
    const jwk = keys.jwks.keys[0] ?? {};
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: "carol", token_use: "id" })
      .setProtectedHeader({ alg: "RS256", kid: jwk.kid ?? "" })
      .setIssuer(idp.issuer)
      .setAudience(webClientId)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(await importJWK(jwk, "RS256"));
    const iam = createLocalIam({ resolve });
    const sts = await startLocalSts({ port: 0, iam, issuer: idp.issuer, audience: webClientId });
    const client = new STSClient({ region: "us-east-1", endpoint: sts.endpoint, maxAttempts: 1 });
    // Act
    const answer = await client.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: iam.filesRoleArn,
        RoleSessionName: "carol",
        WebIdentityToken: token,
        DurationSeconds: 900,
      }),
    );
    client.destroy();
    await sts.stop();
    await idp.stop();
    // Assess
    expect(answer.SubjectFromWebIdentityToken).toBe("carol");
    expect(answer.Credentials?.SessionToken).toBeTruthy();
  });
});
