export { startGateway } from "./server.ts";
export type { GatewayOptions, RunningGateway } from "./server.ts";
export type { RouteDefinition } from "./route-match.ts";
export { createLambdaContext } from "./lambda-context.ts";
