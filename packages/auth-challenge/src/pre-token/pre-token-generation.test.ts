import { afterEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../testing/capture-logs.ts";
import { preTokenEvent } from "../testing/events.ts";
import { createPreTokenGeneration } from "./pre-token-generation.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

const appScopes = ["items/read", "items/write"];

function trigger(clientIds: readonly string[] | "*" = ["web-client"]) {
  const logs = captureLogs();
  return { handler: createPreTokenGeneration({ scopes: appScopes, clientIds, logger: logs.logger }), logs };
}

describe("Pre Token Generation (V2_0)", () => {
  it("adds the app's scopes to the access token of the web client's API sign-in", async () => {
    // Prepare
    const { handler } = trigger();
    // Act
    const event = await handler(preTokenEvent());
    // Assess
    expect(event.response.claimsAndScopeOverrideDetails).toEqual({ accessTokenGeneration: { scopesToAdd: appScopes } });
  });

  it("adds them again on a refresh, where Cognito runs the trigger once more", async () => {
    // Prepare
    const { handler } = trigger();
    // Act
    const event = await handler(preTokenEvent({ triggerSource: "TokenGeneration_RefreshTokens" }));
    // Assess
    expect(event.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.scopesToAdd).toEqual(appScopes);
  });

  it("leaves another client's sign-in unchanged", async () => {
    // Prepare
    const { handler } = trigger();
    // Act
    const event = await handler(preTokenEvent({ callerContext: { awsSdkVersion: "aws-sdk-js-3", clientId: "other-client" } }));
    // Assess
    expect(event.response.claimsAndScopeOverrideDetails).toEqual({});
  });

  it("leaves a hosted-page sign-in unchanged: its scopes come from the OAuth request", async () => {
    // Prepare
    const { handler } = trigger();
    // Act
    const event = await handler(preTokenEvent({ triggerSource: "TokenGeneration_HostedAuth" }));
    // Assess
    expect(event.response.claimsAndScopeOverrideDetails).toEqual({});
  });

  it('serves every client of the pool when told "*"', async () => {
    // Prepare
    const { handler } = trigger("*");
    // Act
    const event = await handler(preTokenEvent({ callerContext: { awsSdkVersion: "aws-sdk-js-3", clientId: "any-client" } }));
    // Assess
    expect(event.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.scopesToAdd).toEqual(appScopes);
  });

  it("keeps what the response already holds and does not add a scope the token already has", async () => {
    // Prepare
    const { handler } = trigger();
    const event = preTokenEvent({
      request: {
        userAttributes: { sub: "sub-alice" },
        groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] },
        scopes: ["aws.cognito.signin.user.admin", "items/read"],
      },
      response: {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: { tenant: "t1" } },
          accessTokenGeneration: { scopesToAdd: ["reports/read"], scopesToSuppress: ["aws.cognito.signin.user.admin"] },
        },
      },
    });
    // Act
    const result = await handler(event);
    // Assess
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { tenant: "t1" } },
      accessTokenGeneration: { scopesToAdd: ["reports/read", "items/write"], scopesToSuppress: ["aws.cognito.signin.user.admin"] },
    });
  });

  it("accepts Cognito's null response detail", async () => {
    // Prepare
    const { handler } = trigger();
    const event = preTokenEvent({ response: { claimsAndScopeOverrideDetails: null } } as never);
    // Act
    const result = await handler(event);
    // Assess
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.scopesToAdd).toEqual(appScopes);
  });

  it("fails the sign-in on a version 1 event, whose answer could not carry access-token scopes", async () => {
    // Prepare
    const { handler, logs } = trigger();
    // Act
    const act = handler(preTokenEvent({ version: "1" }));
    // Assess
    await expect(act).rejects.toThrow("Pre token generation needs lambdaVersion V2_0");
    expect(logs.text()).toContain("version 1");
  });

  it("logs the decision without the user's attributes", async () => {
    // Prepare
    const { handler, logs } = trigger();
    // Act
    await handler(preTokenEvent());
    // Assess
    expect(logs.text()).toContain("scopes added");
    expect(logs.text()).not.toContain("alice@example.com");
    expect(logs.text()).not.toContain("sub-alice");
  });
});
