import { loadBffConfig } from "./config.ts";
import { createBffHandler } from "./handler.ts";

/** The function URL handler (payload 2.0); config is validated once, at cold start. */
export const handler = createBffHandler(loadBffConfig(process.env));
