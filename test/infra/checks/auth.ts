import { expect } from "vitest";
import { envOf, lambdas, ofType, resource, siteOrigin } from "./helpers.ts";
import { type Check, check } from "./types.ts";

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

  check("auth.resource-server", "the items resource server defines items/read and items/write", ["dev"], ({ dev }) => {
    const server = resource(dev.resources, "aws:cognito/resourceServer:ResourceServer", "ItemsResourceServer");
    expect(server.inputs.identifier).toBe("items");
    expect((server.inputs.scopes as { scopeName: string }[]).map((s) => s.scopeName).sort()).toEqual(["read", "write"]);
  }),

  check(
    "auth.web-client",
    "the web client is confidential and code-flow only; its callback and logout URLs are the site, plus the local platform and the sst dev server outside production",
    ["dev", "production", "live"],
    ({ dev, production, live }) => {
      const web = resource(dev.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient");
      expect(web.inputs).toMatchObject({ generateSecret: true, allowedOauthFlows: ["code"], enableTokenRevocation: true });
      expect(web.inputs.allowedOauthScopes).toEqual(expect.arrayContaining(["openid", "items/read", "items/write"]));
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

  check("auth.m2m-client", "the M2M client is client_credentials with items/read only", ["dev"], ({ dev }) => {
    const m2m = resource(dev.resources, "aws:cognito/userPoolClient:UserPoolClient", "M2mClientClient");
    expect(m2m.inputs).toMatchObject({
      generateSecret: true,
      allowedOauthFlows: ["client_credentials"],
      allowedOauthScopes: ["items/read"],
    });
  }),

  check("auth.secrets-by-link", "client secrets stay out of every function's environment and travel by link", ["dev"], ({ dev }) => {
    for (const fn of lambdas(dev)) expect(JSON.stringify(envOf(fn))).not.toContain("mock-client-secret");
    for (const fn of lambdas(dev)) expect(Object.keys(envOf(fn)).filter((k) => /SECRET/.test(k))).toEqual([]);
    const links = ofType(dev.resources, "sst:sst:LinkRef").map((l) => l.name);
    expect(links).toEqual(expect.arrayContaining(["WebClientLinkRef", "M2mClientLinkRef"]));
  }),

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
