import type { CredentialsProvider, FileCredentials } from "./credentials.ts";

/** Fixed credentials for the local S3 server; never real AWS keys. */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * A provider that stands in for STS on the local platform: it hands out the
 * same fixed credentials to everyone, with a lifetime like STS's (900 s) so
 * the caching path runs locally too. Per-user isolation locally rests on the
 * BFF's own key checks, since the local S3 has no IAM.
 *
 * @example
 * const provider = createStaticCredentialsProvider({ accessKeyId: "S3RVER", secretAccessKey: "S3RVER" });
 */
export function createStaticCredentialsProvider(credentials: StaticCredentials, lifetimeSeconds = 900): CredentialsProvider {
  return {
    async getCredentials({ now }): Promise<FileCredentials> {
      return { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, expiresAt: now + lifetimeSeconds };
    },
  };
}
