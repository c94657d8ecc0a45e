import type { BffConfig } from "./config.ts";
import { type BffDeps, type BffHandler, createRoutedHandler } from "./routed-handler.ts";
import { apiRoutes } from "./routes/api-routes.ts";
import { authRoutes } from "./routes/auth-routes.ts";
import { fileRoutes } from "./routes/file-routes.ts";

export type { BffDeps, BffHandler } from "./routed-handler.ts";

/**
 * The whole BFF in one handler: login, callback, session, logout, the branded
 * sign-in (`LOGIN_MODE=branded`), the `/api/*` proxy and the `/files` routes
 * (when a bucket is configured). The local platform and the tests run this;
 * AWS runs one function per route group (see lambda-*.ts).
 *
 * @example
 * const handler = createBffHandler(loadBffConfig(process.env));
 * const response = await handler(event, context);
 */
export function createBffHandler(config: BffConfig, deps: Partial<BffDeps> = {}): BffHandler {
  return createRoutedHandler(config, deps, [authRoutes, apiRoutes, fileRoutes]);
}
