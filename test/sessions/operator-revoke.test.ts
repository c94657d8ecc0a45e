/**
 * The operator's `npm run sessions -- revoke` against the local platform:
 * the same code path a stage runs with the operator's own credentials (the
 * local account's administrator here), ending the sessions in the table and
 * signing the user out of the (local) user pool, with an audit record.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { parseSessionsCommand, revokeSessions } from "@spa-bff/bff/operator";
import { sessionItemKey } from "@spa-bff/bff/testing";
import { createIdentifierHash } from "@spa-bff/core";
import { startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, login, spaHeaders } from "../support/browser.ts";

let tp: TestPlatform;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  tp = await startTestPlatform({ upstream: "recording" });
  cognito = new CognitoIdentityProviderClient({
    region: "us-east-1",
    endpoint: tp.platform.urls.idp,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
});

afterAll(async () => {
  cognito?.destroy();
  await tp?.stop();
});

async function authenticated(browser: Browser): Promise<boolean> {
  const answer = await browser.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
  return (answer.json() as { authenticated?: boolean }).authenticated === true;
}

function deps(now = Math.floor(Date.now() / 1000)) {
  return {
    dynamodb: tp.dynamodb,
    sessionTable: tp.platform.tables.Sessions,
    hash: createIdentifierHash(tp.config.identifierHashKey),
    cognito: { client: cognito, userPoolId: tp.platform.userPoolId },
    operator: "local administrator",
    reason: "test incident",
    now,
  };
}

describe("the sessions operator command", () => {
  it("revokes every session of one user and signs them out of the user pool, leaving others alone, with an audit record", async () => {
    // Prepare
    const alice = [new Browser(), new Browser()];
    for (const browser of alice) await login(tp, browser, "alice");
    const bob = new Browser();
    await login(tp, bob, "bob");
    const aliceSub = tp.platform.users.find((user) => user.username === "alice")?.sub ?? "";
    const session = await tp.sessions.get(alice[0]?.cookie("localhost", "__Host-session") ?? "", Math.floor(Date.now() / 1000));
    const refreshToken = session?.tokens.refreshToken ?? "";
    const signOutsBefore = tp.platform.parts.idp.cognito?.counters.globalSignOuts ?? 0;
    // Act
    const result = await revokeSessions(deps(), parseSessionsCommand(["revoke", "--sub", aliceSub]).target);
    // Assess
    expect(result).toMatchObject({ ended: 2, signedOut: 1 });
    for (const browser of alice) expect(await authenticated(browser)).toBe(false);
    expect(await authenticated(bob)).toBe(true);
    expect(tp.platform.parts.idp.cognito?.counters.globalSignOuts).toBe(signOutsBefore + 1);
    expect(await tp.platform.parts.idp.inspectRefreshToken(refreshToken)).toBeUndefined();
    const audit = await tp.dynamodb.send(
      new QueryCommand({
        TableName: tp.platform.tables.Sessions,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: "audit#operator" } },
        ConsistentRead: true,
      }),
    );
    const records = (audit.Items ?? []).map((item) => JSON.parse(item.record?.S ?? "{}") as Record<string, unknown>);
    expect(records).toContainEqual(
      expect.objectContaining({
        event: "auth.operator_revoke",
        operator: "local administrator",
        ended: 2,
        signedOut: 1,
        reason: "test incident",
      }),
    );
    // The record names the user by the keyed hash only.
    expect(JSON.stringify(records)).not.toContain(aliceSub);
  });

  it("revokes the sessions created before a time, and none created after", async () => {
    // Prepare: carol's session is an hour old (its creation time moved back in the table), bob's is new
    const early = new Browser();
    await login(tp, early, "carol");
    const late = new Browser();
    await login(tp, late, "bob");
    await tp.dynamodb.send(
      new UpdateItemCommand({
        TableName: tp.platform.tables.Sessions,
        Key: sessionItemKey(early.cookie("localhost", "__Host-session") ?? ""),
        UpdateExpression: "SET createdAt = createdAt - :hour",
        ExpressionAttributeValues: { ":hour": { N: "3600" } },
      }),
    );
    const cutoff = new Date(Date.now() - 60_000).toISOString();
    // Act
    const result = await revokeSessions(deps(), parseSessionsCommand(["revoke", "--all-before", cutoff]).target);
    // Assess
    expect(result.ended).toBe(1);
    expect(await authenticated(early)).toBe(false);
    expect(await authenticated(late)).toBe(true);
  });
});

describe("parseSessionsCommand", () => {
  it("takes exactly one of --sub and --all-before", () => {
    // Act / Assess
    expect(parseSessionsCommand(["revoke", "--sub", "abc", "--reason", "stolen laptop"])).toEqual({
      target: { sub: "abc" },
      reason: "stolen laptop",
    });
    expect(parseSessionsCommand(["revoke", "--all-before", "2026-12-03T09:00:00Z"])).toEqual({ target: { createdBefore: 1796288400 } });
    expect(() => parseSessionsCommand(["revoke"])).toThrow(/exactly one/);
    expect(() => parseSessionsCommand(["revoke", "--sub", "a", "--all-before", "2026-12-03T09:00:00Z"])).toThrow(/exactly one/);
    expect(() => parseSessionsCommand(["revoke", "--all-before", "yesterday"])).toThrow(/ISO time/);
    expect(() => parseSessionsCommand(["list"])).toThrow(/Usage/);
  });
});
