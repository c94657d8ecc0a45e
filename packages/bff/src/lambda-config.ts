import { linkedEnv } from "@spa-bff/core";
import { type BffConfig, loadBffConfig } from "./config.ts";

/**
 * The BFF's config in Lambda: the environment SST sets, plus the web
 * client's secret, which arrives as an SST link and never as plain
 * environment. Validated once, at cold start, by each function's entry.
 */
export function loadLambdaConfig(): BffConfig {
  return loadBffConfig({ ...process.env, ...linkedEnv({ OIDC_CLIENT_SECRET: ["WebClient", "secret"] }) });
}
