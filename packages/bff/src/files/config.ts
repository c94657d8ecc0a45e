import { isLoopbackUrl, parseConfig } from "@spa-bff/core";
import * as z from "zod/mini";

/** Direct-upload settings, parsed once at cold start by {@link loadFilesConfig}. */
export interface FilesConfig {
  bucket: string;
  region: string;
  /** The federated role assumed per user with `AssumeRoleWithWebIdentity` and the session's ID token. */
  roleArn: string;
  /** The local S3 server; absent in AWS. */
  s3Endpoint?: string;
  /** The local STS; absent in AWS. */
  stsEndpoint?: string;
}

const loopbackOnly = (what: string) =>
  z.refine<string>(isLoopbackUrl, { message: `a loopback URL (the local ${what}); leave unset in AWS` });

const schema = z
  .object({
    FILES_BUCKET: z.string({ error: "bucket name" }).check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "a bucket name")),
    FILES_ROLE_ARN: z
      .string({ error: "the federated role ARN" })
      .check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "an IAM role ARN")),
    S3_ENDPOINT: z.optional(z.string().check(loopbackOnly("S3"))),
    STS_ENDPOINT: z.optional(z.string().check(loopbackOnly("STS"))),
    AWS_REGION: z._default(z.string().check(z.minLength(1)), "us-east-1"),
  })
  .check(
    z.superRefine(
      (env, ctx) => {
        // Credentials of the local STS work only against the local S3, and AWS's only against AWS's S3.
        if (Boolean(env.S3_ENDPOINT) !== Boolean(env.STS_ENDPOINT)) {
          ctx.addIssue({
            code: "custom",
            path: [env.S3_ENDPOINT ? "STS_ENDPOINT" : "S3_ENDPOINT"],
            message: "S3_ENDPOINT and STS_ENDPOINT together (the local platform's S3 and STS), or neither (AWS)",
          });
        }
        // Run even when a field failed, so one error names every problem; the check only reads presence.
      },
      { when: () => true },
    ),
  );

/**
 * Validates the file settings (`FILES_BUCKET`, `FILES_ROLE_ARN`,
 * `S3_ENDPOINT`, `STS_ENDPOINT`, `AWS_REGION`) and throws one `ConfigError`
 * naming every problem. The BFF always federates through STS with the
 * user's ID token; on the local platform `S3_ENDPOINT` and `STS_ENDPOINT`
 * point at its S3 and STS, which enforce the same per-user policy. Both are
 * accepted only as loopback URLs, so a deployed stage can never be pointed
 * elsewhere by them.
 *
 * @example
 * const files = loadFilesConfig(process.env);
 */
export function loadFilesConfig(env: Record<string, string | undefined>): FilesConfig {
  const raw = parseConfig(schema, env, "files");
  return {
    bucket: raw.FILES_BUCKET,
    region: raw.AWS_REGION,
    roleArn: raw.FILES_ROLE_ARN,
    ...(raw.S3_ENDPOINT ? { s3Endpoint: raw.S3_ENDPOINT } : {}),
    ...(raw.STS_ENDPOINT ? { stsEndpoint: raw.STS_ENDPOINT } : {}),
  };
}
