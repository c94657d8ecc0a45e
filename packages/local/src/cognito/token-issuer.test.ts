import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultDemoUsers } from "../idp/demo-users.ts";
import { type IdpKeys, loadOrCreateIdpKeys } from "../idp/idp-keys.ts";
import type { CognitoClientSettings } from "./client-settings.ts";
import { CognitoServiceError } from "./errors.ts";
import { createTokenIssuer, type TokenRequest } from "./token-issuer.ts";
import type { InvokeTrigger } from "./triggers.ts";

const client: CognitoClientSettings = {
  clientId: "web",
  clientSecret: "secret",
  explicitAuthFlows: ["ALLOW_CUSTOM_AUTH"],
  refreshTokenRotation: { enabled: true, retryGraceSeconds: 0 },
  accessTokenSeconds: 900,
  idTokenSeconds: 900,
  refreshTokenSeconds: 3600,
  preventUserExistenceErrors: true,
};
const [alice] = defaultDemoUsers({});
const now = Date.UTC(2026, 0, 1);

let keys: IdpKeys;

beforeAll(async () => {
  keys = await loadOrCreateIdpKeys(null);
});

function request(): TokenRequest {
  if (!alice) throw new Error("no demo user");
  return {
    client,
    user: alice,
    context: { region: "eu-west-1", userPoolId: "eu-west-1_Local1", clientId: "web", awsSdkVersion: "aws-sdk-js-3.0.0" },
    authTime: now / 1000 - 60,
    originJti: "origin",
    eventId: "event",
    triggerSource: "TokenGeneration_RefreshTokens",
    clientMetadata: { app: "web" },
  };
}

/** A pre-token trigger answering with `details`, recording the event it got. */
function preToken(details: unknown) {
  const events: unknown[] = [];
  const invoke = (async (_name, event) => {
    events.push(event);
    return { ...event, response: { claimsAndScopeOverrideDetails: details } };
  }) as InvokeTrigger;
  return { invoke, events };
}

async function refusalOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CognitoServiceError) return error.type;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("token issuer: the pre-token trigger (V2_0)", () => {
  it("sends the version 2 event with the token's scopes, and applies scopes and claims as Cognito does", async () => {
    // Prepare
    const trigger = preToken({
      accessTokenGeneration: {
        scopesToAdd: ["items/read", "items/write"],
        scopesToSuppress: ["items/write"],
        claimsToAddOrOverride: { tenant: "t1" },
      },
      idTokenGeneration: { claimsToAddOrOverride: { nickname: "ali", email: "other@example.com" }, claimsToSuppress: ["email"] },
    });
    const issuer = createTokenIssuer({ keys, issuer: "http://127.0.0.1:1", preTokenGeneration: trigger.invoke, now: () => now });
    // Act
    const tokens = await issuer.issue(request());
    // Assess
    expect(trigger.events[0]).toEqual({
      version: "2",
      region: "eu-west-1",
      userPoolId: "eu-west-1_Local1",
      userName: "alice",
      callerContext: { awsSdkVersion: "aws-sdk-js-3.0.0", clientId: "web" },
      triggerSource: "TokenGeneration_RefreshTokens",
      request: {
        userAttributes: {
          sub: alice?.sub,
          "cognito:user_status": "CONFIRMED",
          email_verified: "true",
          name: "Alice Anderson",
          email: "alice@example.com",
        },
        groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] },
        scopes: ["aws.cognito.signin.user.admin"],
        clientMetadata: { app: "web" },
      },
      response: { claimsAndScopeOverrideDetails: null },
    });
    const access = decodeJwt(tokens.accessToken);
    const id = decodeJwt(tokens.idToken);
    expect(access.scope).toBe("aws.cognito.signin.user.admin items/read");
    expect(access.tenant).toBe("t1");
    expect(id.nickname).toBe("ali");
    expect(id.email).toBeUndefined();
    expect(access.auth_time).toBe(now / 1000 - 60);
  });

  it("drops the scope claim when every scope is suppressed", async () => {
    // Prepare
    const trigger = preToken({ accessTokenGeneration: { scopesToSuppress: ["aws.cognito.signin.user.admin"] } });
    const issuer = createTokenIssuer({ keys, issuer: "http://127.0.0.1:1", preTokenGeneration: trigger.invoke, now: () => now });
    // Act
    const tokens = await issuer.issue(request());
    // Assess
    expect(decodeJwt(tokens.accessToken).scope).toBeUndefined();
  });

  it.each([
    ["overrides sub in the ID token", { idTokenGeneration: { claimsToAddOrOverride: { sub: "someone-else" } } }],
    ["suppresses token_use", { accessTokenGeneration: { claimsToSuppress: ["token_use"] } }],
    ["sets scope as a claim", { accessTokenGeneration: { claimsToAddOrOverride: { scope: "admin" } } }],
    ["adds a scope with a space", { accessTokenGeneration: { scopesToAdd: ["items/read items/write"] } }],
    ["answers with a list", ["items/read"]],
  ])("refuses a trigger that %s (InvalidLambdaResponseException)", async (_case, details) => {
    // Prepare
    const issuer = createTokenIssuer({ keys, issuer: "http://127.0.0.1:1", preTokenGeneration: preToken(details).invoke, now: () => now });
    // Act
    const refusal = await refusalOf(issuer.issue(request()));
    // Assess
    expect(refusal).toBe("InvalidLambdaResponseException");
  });
});
