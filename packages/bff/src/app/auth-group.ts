import { ConfigError, lazyService } from "@spa-bff/core";
import type { BffConfig } from "../config.ts";
import { callbackRoute } from "../routes/callback.ts";
import { loginRoute } from "../routes/login.ts";
import { logoutRoute } from "../routes/logout.ts";
import { sessionRoute } from "../routes/session.ts";
import { sessionsRoutes } from "../routes/sessions.ts";
import { signInRoutes } from "../routes/signin.ts";
import type { SignInService } from "../signin/signin-service.ts";
import type { RouteGroup } from "./route-group.ts";
import type { BffAdapters, BffServices } from "./services.ts";

/** `/auth/*`: the code flow, the session, the sessions list, logout and, with `LOGIN_MODE=branded`, the branded sign-in. */
export const authGroup: RouteGroup = (s, config, adapters) => {
  const starter = { sessions: s.sessions, audit: s.audit, cookieMaxAge: config.session.absoluteSeconds };
  const { appOrigin } = config;
  return [
    // The code flow exists only with the hosted login: in a branded stage no path to a session skips the second factor.
    ...(s.oidc
      ? [
          loginRoute({ idp: s.oidc, sealer: s.sealer, appOrigin }),
          callbackRoute({ ...starter, idp: s.oidc, sealer: s.sealer, appOrigin, redirectUri: config.redirectUri }),
        ]
      : []),
    sessionRoute({ sessions: s.sessions, audit: s.audit, appOrigin, loginMode: config.login.mode }),
    logoutRoute({
      sessions: s.sessions,
      userSessions: s.userSessions,
      idp: s.idp,
      audit: s.audit,
      appOrigin,
      postLogoutRedirectUri: config.postLogoutRedirectUri,
    }),
    ...sessionsRoutes({ sessions: s.sessions, userSessions: s.userSessions, audit: s.audit, appOrigin }),
    // Only with LOGIN_MODE=branded; with the hosted login /auth/signin* is an unknown route (404).
    ...(config.login.mode === "branded" ? signInRoutes({ ...starter, signIn: brandedSignIn(s, config, adapters), appOrigin }) : []),
  ];
};

/** The branded sign-in service: the Cognito SDK, SRP and the attempt counters load with the first sign-in, not at cold start. */
function brandedSignIn(s: BffServices, config: BffConfig, adapters: Partial<BffAdapters>): SignInService {
  return lazyService<SignInService>(async () => {
    const login = config.login;
    const clientSecret = config.oidc.clientSecret;
    // loadBffConfig refuses LOGIN_MODE=branded without a secret; this keeps a hand-built config honest too.
    if (login.mode !== "branded" || !clientSecret)
      throw new ConfigError("The branded sign-in needs LOGIN_MODE=branded and OIDC_CLIENT_SECRET");
    const signin = await import("../signin/index.ts");
    // The pool id starts with its region ("eu-west-1_AbC…"), which is where the Cognito API must be called.
    const region = login.userPoolId.split("_")[0] ?? config.region;
    const cognito =
      adapters.cognito ??
      new (await import("@aws-sdk/client-cognito-identity-provider")).CognitoIdentityProviderClient({
        region,
        ...(login.endpoint ? { endpoint: login.endpoint } : {}),
      });
    return signin.createSignInService({
      cognito: signin.createCognitoSignInClient({
        client: cognito,
        userPoolId: login.userPoolId,
        clientId: config.oidc.clientId,
        clientSecret,
      }),
      rateLimiter: signin.createDynamoRateLimiter({ client: await s.dynamodb(), tableName: login.signInTable, hash: s.hash }),
      sealer: s.sealer,
      clock: s.clock,
      logger: s.logger,
      hash: s.hash,
    });
  });
}
