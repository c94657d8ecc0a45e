import { lazy, lazyService } from "@spa-bff/core";
import type { Files } from "../files/create-files.ts";
import type { CredentialsProvider } from "../files/credentials.ts";
import type { FileStorage } from "../files/file-storage.ts";
import { fileRoutes } from "../routes/files.ts";
import type { RouteGroup } from "./route-group.ts";

/** `/files*`: per-user uploads, only with a bucket configured; otherwise an unknown route (404). */
export const filesGroup: RouteGroup = (s, config, adapters) => {
  const { files } = adapters;
  const filesConfig = config.files;
  // The S3 and STS SDKs load with the first file request, so the cold start does not pay for them.
  const build = files
    ? async () => files
    : filesConfig
      ? async (): Promise<Files> => (await import("../files/create-files.ts")).createFiles(filesConfig)
      : undefined;
  if (!build) return [];
  const built = lazy(build);
  return fileRoutes({
    sessions: s.sessions,
    refresher: s.refresher,
    storage: lazyService<FileStorage>(async () => (await built()).storage),
    credentials: lazyService<CredentialsProvider>(async () => (await built()).credentials),
    audit: s.audit,
    appOrigin: config.appOrigin,
    maxBodyBytes: config.maxBodyBytes,
  });
};
