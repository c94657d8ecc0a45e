export { M2mApiError, M2mApiTimeoutError, M2mTokenError } from "./client/errors.ts";
export type { M2mClient, M2mClientOptions, M2mResponse } from "./client/m2m-client.ts";
export { createM2mClient } from "./client/m2m-client.ts";
export type { FetchLike } from "./client/token-source.ts";
export type { M2mConfig } from "./config.ts";
export { loadM2mConfig } from "./config.ts";
export type { ScheduledJobDeps } from "./job/scheduled-job.ts";
export { createScheduledJob } from "./job/scheduled-job.ts";
