import type { STSClient } from "@aws-sdk/client-sts";
import type { FilesConfig } from "./config.ts";
import type { CredentialsProvider } from "./credentials.ts";
import { createFileStorage, type FileStorage } from "./file-storage.ts";
import { createStaticCredentialsProvider } from "./static-credentials.ts";
import { createStsCredentialsProvider } from "./sts-credentials.ts";

/** The two halves the BFF's file routes need. */
export interface Files {
  storage: FileStorage;
  credentials: CredentialsProvider;
}

/**
 * Builds the storage and the credentials provider from {@link FilesConfig}:
 * STS federation when a role is configured, fixed local credentials otherwise.
 *
 * @example
 * const files = createFiles(loadFilesConfig(process.env));
 */
export function createFiles(config: FilesConfig, deps: { stsClient?: STSClient } = {}): Files {
  const storage = createFileStorage({
    bucket: config.bucket,
    region: config.region,
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
  });
  const credentials =
    config.credentials.kind === "sts"
      ? createStsCredentialsProvider({
          roleArn: config.credentials.roleArn,
          region: config.region,
          ...(deps.stsClient ? { client: deps.stsClient } : {}),
        })
      : createStaticCredentialsProvider(config.credentials);
  return { storage, credentials };
}
