import type { RouteGroup } from "../runtime.ts";
import { callback } from "./callback.ts";
import { login } from "./login.ts";
import { logout, logoutMethodNotAllowed } from "./logout.ts";
import { sessionInfo } from "./session.ts";
import { createSignInRoutes } from "./signin.ts";

/** `/auth/*`: the code flow, the session, logout and, with `LOGIN_MODE=branded`, the branded sign-in. */
export const authRoutes: RouteGroup = (runtime, _ensureFresh, deps) => [
  { method: "GET", path: "/auth/login", handler: (ctx) => login(runtime, ctx) },
  { method: "GET", path: "/auth/callback", handler: (ctx) => callback(runtime, ctx) },
  { method: "GET", path: "/auth/session", handler: (ctx) => sessionInfo(runtime, ctx) },
  { method: "POST", path: "/auth/logout", handler: (ctx) => logout(runtime, ctx) },
  // A GET (a link, an <img>) must never log anybody out.
  ...(["GET", "PUT", "PATCH", "DELETE", "HEAD"] as const).map((method) => ({
    method,
    path: "/auth/logout",
    handler: logoutMethodNotAllowed,
  })),
  // Only with LOGIN_MODE=branded; with the hosted login /auth/signin* is an unknown route (404).
  ...(runtime.config.login.mode === "branded"
    ? createSignInRoutes(runtime, runtime.config.login, deps.cognito ? { cognito: deps.cognito } : {})
    : []),
];
