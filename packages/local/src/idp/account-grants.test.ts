import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  GlobalSignOutCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { createCognitoSignInClient } from "@spa-bff/bff/signin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRelyingParty,
  customAuthClient,
  demoPasswords,
  formAction,
  hostedLogin,
  type RelyingParty,
  redeemCallback,
  startLogin,
} from "../testing/idp.ts";
import { type LocalIdp, startIdp } from "./start-idp.ts";

const appOrigin = "http://localhost:3995";
const redirectUri = `${appOrigin}/auth/callback`;
const webClient = { clientId: "local-web", clientSecret: "web-secret-for-sign-out-tests" };
const passwords = demoPasswords;
const POOL = "eu-west-1_SignOut1";
const apiClient = customAuthClient("local_web_sign_out", "api-secret-for-sign-out-tests");
const adminKey = { accessKeyId: "AKIALOCALADMIN00", secretAccessKey: "local-admin-secret-access-key" };

let idp: LocalIdp;
let rp: RelyingParty;

beforeAll(async () => {
  idp = await startIdp({
    port: 0,
    keysDir: null,
    clients: {
      web: { ...webClient, redirectUris: [redirectUri], postLogoutRedirectUris: [`${appOrigin}/`] },
      m2m: { clientId: "local-m2m", clientSecret: "m2m-secret-for-sign-out-tests" },
    },
    cognito: {
      userPoolId: POOL,
      clients: [apiClient],
      iam: { secretAccessKeyFor: (id) => (id === adminKey.accessKeyId ? adminKey.secretAccessKey : undefined) },
    },
  });
  rp = await createRelyingParty(idp.issuer, webClient, redirectUri);
});

afterAll(async () => {
  await idp.stop();
});

function sdk(credentials = { accessKeyId: "unused", secretAccessKey: "unused" }) {
  return new CognitoIdentityProviderClient({ region: "eu-west-1", endpoint: idp.issuer, credentials, maxAttempts: 1 });
}

const adminSignOut = (username: string) => sdk(adminKey).send(new AdminUserGlobalSignOutCommand({ UserPoolId: POOL, Username: username }));

const refresh = (refreshToken: string | undefined) => rp.lib.refreshTokenGrant(rp.config, refreshToken ?? "");

/** A branded sign-in (SRP password, then the mailed code) through the BFF's adapter. */
async function brandedSignIn(username: keyof typeof passwords) {
  const adapter = createCognitoSignInClient({
    client: sdk(),
    userPoolId: POOL,
    clientId: apiClient.clientId,
    clientSecret: apiClient.clientSecret ?? "",
  });
  const step = await adapter.startWithPassword(username, passwords[username]);
  if (step.kind !== "code") throw new Error("expected the code step");
  const done = await adapter.answerCode(step.username, step.session, idp.mailbox.latest(username)?.code ?? "");
  if (done.kind !== "tokens") throw new Error("expected tokens");
  return done.result;
}

describe("local IdP: a Cognito global sign-out ends the code flow's grants too", () => {
  it("refuses the user's code-flow refresh tokens after AdminUserGlobalSignOut, and leaves another user's working", async () => {
    // Prepare: two hosted sign-ins of alice (two browsers), one of bob
    const alice = await hostedLogin(rp, "alice", passwords.alice);
    const aliceElsewhere = await hostedLogin(rp, "alice", passwords.alice);
    const bob = await hostedLogin(rp, "bob", passwords.bob);
    const rotated = await refresh(alice.tokens.refresh_token);

    // Act
    const answer = await adminSignOut("alice");

    // Assess
    expect(answer.$metadata.httpStatusCode).toBe(200);
    for (const refreshToken of [rotated.refresh_token, aliceElsewhere.tokens.refresh_token]) {
      await expect(refresh(refreshToken)).rejects.toMatchObject({ error: "invalid_grant" });
      expect(await idp.inspectRefreshToken(refreshToken ?? "")).toBeUndefined();
    }
    await expect(refresh(bob.tokens.refresh_token)).resolves.toHaveProperty("refresh_token");
  });

  it("refuses an authorization code issued before the sign-out and redeemed after it", async () => {
    // Prepare: the user signs in at the hosted page; the code is on its way to the app
    const login = await startLogin(rp);
    const action = formAction(login.page.body, login.page.url) ?? "";
    const callback = await login.browser.follow(action, redirectUri, { form: { username: "carol", password: passwords.carol } });

    // Act
    await adminSignOut("carol");
    const redeemed = redeemCallback(rp, login, callback);

    // Assess
    await expect(redeemed).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("lets the browser's hosted session sign in again without a password, with a new grant, as Cognito's cookie outlives it", async () => {
    // Prepare
    const first = await hostedLogin(rp, "bob", passwords.bob);
    await adminSignOut("bob");

    // Act
    const again = await startLogin(rp, { browser: first.browser });
    const tokens = await redeemCallback(rp, again, again.page);

    // Assess
    expect(again.page.location?.startsWith(redirectUri)).toBe(true);
    await expect(refresh(first.tokens.refresh_token)).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(refresh(tokens.refresh_token)).resolves.toHaveProperty("refresh_token");
  });

  it("ends them on GlobalSignOut too, authorized by an access token of the Cognito API, with the API's own refresh tokens", async () => {
    // Prepare
    const hosted = await hostedLogin(rp, "carol", passwords.carol);
    const branded = await brandedSignIn("carol");

    // Act
    await sdk().send(new GlobalSignOutCommand({ AccessToken: branded.AccessToken }));

    // Assess
    await expect(refresh(hosted.tokens.refresh_token)).rejects.toMatchObject({ error: "invalid_grant" });
    const apiRefresh = sdk().send(
      new GetTokensFromRefreshTokenCommand({
        ClientId: apiClient.clientId,
        ClientSecret: apiClient.clientSecret,
        RefreshToken: branded.RefreshToken,
      }),
    );
    await expect(apiRefresh).rejects.toMatchObject({ name: "NotAuthorizedException", message: "Refresh Token has been revoked" });
  });
});
