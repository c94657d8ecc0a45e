export { sha256Hex } from "./body-hash.ts";
export type { EdgeFunction, EdgeOptions, RunningEdge, SpaSource } from "./server.ts";
export { startEdge } from "./server.ts";
