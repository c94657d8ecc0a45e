import { m2mClient, resourceServer, webClient } from "@spa-bff/core/infra";
import { expect } from "vitest";
import type { SynthResult } from "../harness/index.ts";
import { envOf, get, lambdas, ofType, resource, siteOrigin } from "./helpers.ts";
import { type Check, check } from "./types.ts";

const unitSeconds = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;

/** A client's lifetime in seconds, from Cognito's value and unit (Cognito's defaults: hours for access and ID, days for refresh). */
function lifetime(inputs: Record<string, unknown>, token: "accessToken" | "idToken" | "refreshToken"): number {
  const value = Number(inputs[`${token}Validity`]);
  const units = (inputs.tokenValidityUnits ?? {}) as Record<string, keyof typeof unitSeconds | undefined>;
  return value * unitSeconds[units[token] ?? (token === "refreshToken" ? "days" : "hours")];
}

const client = (run: SynthResult, name: string) => resource(run.resources, "aws:cognito/userPoolClient:UserPoolClient", `${name}Client`);

export const authChecks: Check[] = [
  check("auth.pool", "the user pool has no self sign-up, a strong password policy and optional MFA", ["dev"], ({ dev }) => {
    const pool = resource(dev.resources, "aws:cognito/userPool:UserPool", "UserPoolUserPool");
    expect(pool.inputs.adminCreateUserConfig).toEqual({ allowAdminCreateUserOnly: true });
    expect(pool.inputs.passwordPolicy).toMatchObject({
      minimumLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireNumbers: true,
      requireSymbols: true,
    });
    expect(pool.inputs.mfaConfiguration).toBe("OPTIONAL");
    expect(ofType(dev.resources, "aws:cognito/userPoolDomain:UserPoolDomain")).toHaveLength(1);
  }),

  check(
    "auth.domain-prefix",
    "the hosted UI's domain prefix (unique across AWS) carries the app, the stage and a hash of the account and region",
    ["dev", "production"],
    ({ dev, production }) => {
      const prefixOf = (run: typeof dev) => String(ofType(run.resources, "aws:cognito/userPoolDomain:UserPoolDomain")[0]?.inputs.domain);
      expect(prefixOf(dev)).toMatch(/^spa-bff-dev-[0-9a-f]{8}$/);
      expect(prefixOf(production)).toMatch(/^spa-bff-production-[0-9a-f]{8}$/);
      // The account id itself never goes into the public URL.
      expect(prefixOf(dev)).not.toContain("123456789012");
      expect(envOf(resource(dev.resources, "aws:lambda/function:Function", "BffAuthFunction")).OIDC_LOGOUT_URL).toBe(
        `https://${prefixOf(dev)}.auth.eu-west-1.amazoncognito.com/logout`,
      );
    },
  ),

  check("auth.resource-server", "the items resource server defines items/read and items/write, as declared", ["dev"], ({ dev }) => {
    const server = resource(dev.resources, "aws:cognito/resourceServer:ResourceServer", "ItemsResourceServer");
    expect(server.inputs.identifier).toBe("items");
    expect((server.inputs.scopes as { scopeName: string }[]).map((s) => s.scopeName).sort()).toEqual(["read", "write"]);
    expect(server.inputs).toMatchObject({
      identifier: resourceServer.identifier,
      name: resourceServer.name,
      scopes: resourceServer.scopes.map((scope) => ({ scopeName: scope.name, scopeDescription: scope.description })),
    });
  }),

  check(
    "auth.web-client",
    "the web client is confidential and code-flow only; its callback and logout URLs are the site, plus the local platform and the sst dev server outside production",
    ["dev", "production", "live"],
    ({ dev, production, live }) => {
      const web = resource(dev.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient");
      expect(web.inputs).toMatchObject({
        generateSecret: true,
        allowedOauthFlows: ["code"],
        allowedOauthFlowsUserPoolClient: true,
        enableTokenRevocation: true,
      });
      expect(web.inputs.allowedOauthScopes).toEqual(expect.arrayContaining(["openid", "items/read", "items/write"]));
      expect(web.inputs.allowedOauthScopes).toEqual([...webClient.scopes]);
      for (const run of [dev, live]) {
        const client = resource(run.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient");
        expect(client.inputs.callbackUrls).toEqual([
          `${siteOrigin(run)}/auth/callback`,
          "http://localhost:3000/auth/callback",
          "http://localhost:5173/auth/callback",
        ]);
        expect(client.inputs.logoutUrls).toEqual([`${siteOrigin(run)}/`, "http://localhost:3000/", "http://localhost:5173/"]);
      }
      const prodWeb = resource(production.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient");
      expect(prodWeb.inputs.callbackUrls).toEqual([`${siteOrigin(production)}/auth/callback`]);
      expect(prodWeb.inputs.logoutUrls).toEqual([`${siteOrigin(production)}/`]);
    },
  ),

  check(
    "auth.web-client-tokens",
    "the web client's tokens live as declared (access and ID tokens an hour at most, refresh tokens a working day at most), refresh tokens rotate with a grace of 60 s at most, and revocation is on",
    ["dev", "branded"],
    ({ dev, branded }) => {
      for (const run of [dev, branded]) {
        const web = client(run, "WebClient").inputs;
        expect(lifetime(web, "accessToken")).toBe(webClient.accessTokenSeconds);
        expect(lifetime(web, "idToken")).toBe(webClient.idTokenSeconds);
        expect(lifetime(web, "refreshToken")).toBe(webClient.refreshTokenSeconds);
        expect(lifetime(web, "accessToken")).toBeLessThanOrEqual(3600);
        expect(lifetime(web, "idToken")).toBeLessThanOrEqual(3600);
        expect(lifetime(web, "refreshToken")).toBeLessThanOrEqual(12 * 3600);
        expect(web.refreshTokenRotation).toEqual({
          feature: "ENABLED",
          retryGracePeriodSeconds: webClient.refreshTokenRotation.retryGraceSeconds,
        });
        expect(webClient.refreshTokenRotation.retryGraceSeconds).toBeLessThanOrEqual(60);
        expect(web).toMatchObject({ enableTokenRevocation: true, preventUserExistenceErrors: "ENABLED" });
      }
    },
  ),

  check(
    "auth.m2m-client",
    "the M2M client is client_credentials with items/read only, its tokens an hour, as declared",
    ["dev", "branded"],
    ({ dev, branded }) => {
      for (const run of [dev, branded]) {
        const m2m = client(run, "M2mClient").inputs;
        expect(m2m).toMatchObject({
          generateSecret: true,
          allowedOauthFlows: ["client_credentials"],
          allowedOauthScopes: ["items/read"],
          explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
          callbackUrls: [],
        });
        expect(m2m.allowedOauthScopes).toEqual([...m2mClient.scopes]);
        expect(lifetime(m2m, "accessToken")).toBe(m2mClient.accessTokenSeconds);
      }
    },
  ),

  check(
    "auth.secrets-by-link",
    "client secrets and the identifier key stay out of every function's environment and travel by link, each to the functions that use it only",
    ["dev"],
    ({ dev }) => {
      const hashKey = String(get(resource(dev.resources, "sst:sst:LinkRef", "IdentifierHashKeyLinkRef").inputs, "properties", "value"));
      expect(hashKey.length).toBeGreaterThan(0);
      for (const fn of lambdas(dev)) {
        expect(JSON.stringify(envOf(fn))).not.toContain("mock-client-secret");
        expect(JSON.stringify(envOf(fn)), fn.name).not.toContain(hashKey);
        expect(Object.keys(envOf(fn)).filter((k) => /SECRET|HASH_KEY/.test(k))).toEqual([]);
      }
      const links = ofType(dev.resources, "sst:sst:LinkRef").map((l) => l.name);
      expect(links).toEqual(expect.arrayContaining(["WebClientLinkRef", "M2mClientLinkRef", "IdentifierHashKeyLinkRef"]));
      const linking = (name: string) =>
        Object.entries(dev.links)
          .filter(([, names]) => names.includes(name))
          .map(([fn]) => fn)
          .sort();
      expect(linking("WebClient")).toEqual(["BffApi", "BffAuth", "BffFiles"]);
      expect(linking("IdentifierHashKey")).toEqual(["BffApi", "BffAuth", "BffFiles"]);
      expect(linking("M2mClient")).toEqual(["M2mJobHandler"]);
    },
  ),

  check(
    "auth.pool-retained",
    "production keeps the user pool (its users) on removal, with deletion protection; other stages remove it",
    ["dev", "production"],
    ({ dev, production }) => {
      const prod = resource(production.resources, "aws:cognito/userPool:UserPool", "UserPoolUserPool");
      expect(prod.options.retainOnDelete).toBe(true);
      expect(prod.inputs.deletionProtection).toBe("ACTIVE");
      const disposable = resource(dev.resources, "aws:cognito/userPool:UserPool", "UserPoolUserPool");
      expect(disposable.options.retainOnDelete).toBe(false);
      expect(disposable.inputs.deletionProtection).toBe("INACTIVE");
    },
  ),
];
