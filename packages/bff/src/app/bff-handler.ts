import type { BffConfig } from "../config.ts";
import { apiGroup } from "./api-group.ts";
import { authGroup } from "./auth-group.ts";
import { backchannelGroup } from "./backchannel-group.ts";
import { type BffHandler, createBffFunction } from "./bff-function.ts";
import { filesGroup } from "./files-group.ts";
import type { BffAdapters } from "./services.ts";

/**
 * The whole BFF in one handler (every route group), for tests and
 * benchmarks that drive it in process. AWS and the local platform run one
 * function per group (src/lambda/).
 *
 * @example
 * const handler = createBffHandler(loadBffConfig(env), { sessionStore: createMemorySessionStore() });
 */
export function createBffHandler(config: BffConfig, adapters: Partial<BffAdapters> = {}): BffHandler {
  return createBffFunction(config, [authGroup, apiGroup, filesGroup, backchannelGroup], adapters);
}
