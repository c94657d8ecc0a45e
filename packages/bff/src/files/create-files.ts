import type { STSClient } from "@aws-sdk/client-sts";
import type { FilesConfig } from "./config.ts";
import type { CredentialsProvider } from "./credentials.ts";
import { createFileStorage, type FileStorage } from "./file-storage.ts";
import { createStsCredentialsProvider } from "./sts-credentials.ts";

/** The two halves the BFF's file routes need. */
export interface Files {
  storage: FileStorage;
  credentials: CredentialsProvider;
}

/**
 * Builds the storage and the STS credentials provider from {@link FilesConfig}:
 * the local platform's S3 and STS when their endpoints are set, AWS's otherwise.
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
  const credentials = createStsCredentialsProvider({
    roleArn: config.roleArn,
    region: config.region,
    ...(config.stsEndpoint ? { endpoint: config.stsEndpoint } : {}),
    ...(deps.stsClient ? { client: deps.stsClient } : {}),
  });
  return { storage, credentials };
}
