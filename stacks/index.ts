import { createApi } from "./api.ts";
import { createAuth } from "./auth.ts";
import { createBff } from "./bff.ts";
import { createJobs } from "./jobs.ts";
import { createNetwork } from "./network.ts";
import { createRouter, createSite } from "./web.ts";

export * from "./api.ts";
export * from "./auth.ts";
export * from "./bff.ts";
export * from "./jobs.ts";
export * from "./network.ts";
export * from "./stage.ts";
export * from "./web.ts";

/**
 * Creates every part of the stage in dependency order and returns the stack
 * outputs: the site URL, the user pool id and the private API URL.
 */
export function deployStage() {
  const network = createNetwork();
  const router = createRouter();
  const auth = createAuth(router.url);
  const api = createApi(network, auth);
  createBff(network, auth, api, router);
  createSite(router);
  createJobs(network, auth, api);
  return { site: router.url, userPoolId: auth.userPool.id, api: api.url };
}
