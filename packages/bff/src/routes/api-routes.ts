import type { RouteGroup } from "../runtime.ts";
import { proxy } from "./proxy.ts";

/** `/api/*`: the proxy to the private API, refreshing the access token first when needed. */
export const apiRoutes: RouteGroup = (runtime, ensureFresh) => [
  { method: "ANY", path: "/api/{proxy+}", handler: (ctx) => proxy(runtime, ctx, ensureFresh) },
];
