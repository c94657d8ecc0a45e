import { isLoopbackUrl, parseConfig } from "@spa-bff/core";
import * as z from "zod/mini";

/** Local S3 credentials when none are given: s3rver's built-in account (`S3RVER`/`S3RVER`). */
export const localS3Credentials = Object.freeze({ accessKeyId: "S3RVER", secretAccessKey: "S3RVER" });

/** Direct-upload settings, parsed once at cold start by {@link loadFilesConfig}. */
export interface FilesConfig {
  bucket: string;
  region: string;
  /** The local S3 server; absent in AWS. */
  s3Endpoint?: string;
  /** STS federation in AWS; fixed credentials only against a loopback S3. */
  credentials: { kind: "sts"; roleArn: string } | { kind: "static"; accessKeyId: string; secretAccessKey: string };
}

const schema = z
  .object({
    FILES_BUCKET: z.string({ error: "bucket name" }).check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "a bucket name")),
    FILES_ROLE_ARN: z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "an IAM role ARN"))),
    S3_ENDPOINT: z.optional(z.string().check(z.refine(isLoopbackUrl, { message: "a loopback URL (the local S3); leave unset in AWS" }))),
    S3_ACCESS_KEY_ID: z.optional(z.string().check(z.minLength(1))),
    S3_SECRET_ACCESS_KEY: z.optional(z.string().check(z.minLength(1))),
    AWS_REGION: z._default(z.string().check(z.minLength(1)), "us-east-1"),
  })
  .check(
    z.superRefine(
      (env, ctx) => {
        if (!env.FILES_ROLE_ARN && !env.S3_ENDPOINT) {
          ctx.addIssue({ code: "custom", path: ["FILES_ROLE_ARN"], message: "the federated role ARN (or S3_ENDPOINT for the local S3)" });
        }
        if ((env.S3_ACCESS_KEY_ID || env.S3_SECRET_ACCESS_KEY) && !env.S3_ENDPOINT) {
          ctx.addIssue({
            code: "custom",
            path: ["S3_ENDPOINT"],
            message: "the local S3 endpoint (fixed S3 keys are for the local S3 only)",
          });
        }
        // Run even when a field failed, so one error names every problem; the checks only read presence.
      },
      { when: () => true },
    ),
  );

/**
 * Validates the file settings (`FILES_BUCKET`, `FILES_ROLE_ARN`, `S3_ENDPOINT`,
 * optional `S3_ACCESS_KEY_ID`/`S3_SECRET_ACCESS_KEY`, `AWS_REGION`) and throws
 * one `ConfigError` naming every problem. With `FILES_ROLE_ARN` the BFF
 * federates through STS; without it, fixed credentials are used, and only
 * when `S3_ENDPOINT` is a loopback URL, so a deployed stage can never run
 * without federation by accident.
 *
 * @example
 * const files = loadFilesConfig(process.env);
 */
export function loadFilesConfig(env: Record<string, string | undefined>): FilesConfig {
  const raw = parseConfig(schema, env, "files");
  return {
    bucket: raw.FILES_BUCKET,
    region: raw.AWS_REGION,
    ...(raw.S3_ENDPOINT ? { s3Endpoint: raw.S3_ENDPOINT } : {}),
    credentials: raw.FILES_ROLE_ARN
      ? { kind: "sts", roleArn: raw.FILES_ROLE_ARN }
      : {
          kind: "static",
          accessKeyId: raw.S3_ACCESS_KEY_ID ?? localS3Credentials.accessKeyId,
          secretAccessKey: raw.S3_SECRET_ACCESS_KEY ?? localS3Credentials.secretAccessKey,
        },
  };
}
