import type { BffConfig } from "../config.ts";
import type { BffRoute } from "../routes/route.ts";
import type { BffAdapters, BffServices } from "./services.ts";

/**
 * The routes one deployed function serves, wired from the shared services,
 * the config and the adapters a test replaces: with the shared services,
 * the composition root of its function, and the only place that hands
 * config values to routes.
 */
export type RouteGroup = (services: BffServices, config: BffConfig, adapters: Partial<BffAdapters>) => BffRoute[];
