import { createApi } from "./api.ts";
import { createAuth } from "./auth.ts";
import { createBff } from "./bff.ts";
import { createFiles, createFilesBucket } from "./files.ts";
import { GrantTargets } from "./grants.ts";
import { createJobs } from "./jobs.ts";
import { createNetwork } from "./network.ts";
import { createIdentifierHashKey } from "./secrets.ts";
import { stageSettings } from "./settings.ts";
import { assertDevModeAllowed, devServerOrigin } from "./stage.ts";
import { createRouter, createSite } from "./web.ts";

export * from "./api.ts";
export * from "./auth.ts";
export * from "./bff.ts";
export * from "./files.ts";
export * from "./functions.ts";
export * from "./grants.ts";
export * from "./iam.ts";
export * from "./jobs.ts";
export * from "./network.ts";
export * from "./secrets.ts";
export * from "./settings.ts";
export * from "./stage.ts";
export * from "./web.ts";

/**
 * Creates every part of the stage in dependency order and returns the stack
 * outputs: the site URL, the user pool id and the private API URL (and,
 * under `sst dev`, the dev server's URL, which is the one to open).
 */
export async function deployStage() {
  assertDevModeAllowed();
  // Invalid settings fail here, before any resource is declared.
  stageSettings();
  // Every role's grants (the declaration's) resolve against the resources each part registers here.
  const targets = new GrantTargets();
  const network = createNetwork();
  // The bucket comes first: the site's CSP names its origin, and its CORS rule the Router's URL.
  const filesBucket = createFilesBucket(targets);
  const router = createRouter(filesBucket.origins);
  const auth = createAuth(router.url, targets);
  const api = createApi(network, auth, targets);
  const files = createFiles(filesBucket, auth, router, targets);
  createBff(network, auth, api, router, files, targets, await createIdentifierHashKey());
  createSite(router);
  createJobs(network, auth, api, targets);
  return { site: router.url, userPoolId: auth.userPool.id, api: api.url, ...($dev ? { devServer: devServerOrigin } : {}) };
}
