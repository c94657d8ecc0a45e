export { startEdge } from "./server.ts";
export type { EdgeOptions, RunningEdge, SpaSource } from "./server.ts";
export { sha256Hex } from "./body-hash.ts";
