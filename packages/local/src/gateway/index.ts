export type { RouteDefinition } from "./route-match.ts";
export type { GatewayOptions, RunningGateway } from "./server.ts";
export { startGateway } from "./server.ts";
