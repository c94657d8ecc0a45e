import { proxyRoutes } from "../routes/proxy.ts";
import type { RouteGroup } from "./route-group.ts";

/** `/api/*`: the proxy to the private API, refreshing the access token first when needed. */
export const apiGroup: RouteGroup = (s, config) =>
  proxyRoutes({
    sessions: s.sessions,
    refresher: s.refresher,
    upstream: s.upstream,
    audit: s.audit,
    appOrigin: config.appOrigin,
    maxBodyBytes: config.maxBodyBytes,
  });
