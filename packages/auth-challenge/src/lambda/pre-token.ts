import { loadPreTokenConfig } from "../config.ts";
import { createPreTokenGeneration } from "../pre-token/pre-token-generation.ts";

const config = loadPreTokenConfig(process.env);

/**
 * Lambda entry of the Pre Token Generation trigger. The user pool must send
 * it the version 2 event (`lambdaVersion: "V2_0"`), which needs the
 * Essentials or Plus feature plan.
 */
export const handler = createPreTokenGeneration(config);
