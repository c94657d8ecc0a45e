import { federatedFilesGrants, uploadsPrefix } from "@spa-bff/core/infra";
import type { Auth } from "./auth.ts";
import { type GrantTargets, statementsFor } from "./grants.ts";
import { policyDocument } from "./iam.ts";
import { devServerOrigin, isProduction } from "./stage.ts";

/** Days after which S3 aborts an incomplete multipart upload and frees its parts. */
export const abortIncompleteUploadDays = 1;

export interface FilesBucket {
  bucket: sst.aws.Bucket;
  /** The HTTPS origins a presigned URL of this bucket uses (virtual-hosted style), for the site's CSP `connect-src`. */
  origins: $util.Output<string[]>;
}

export interface Files extends FilesBucket {
  /** The IAM OIDC identity provider for the user pool's issuer. */
  identityProvider: aws.iam.OpenIdConnectProvider;
  /** The role the BFF assumes per user with `AssumeRoleWithWebIdentity` and the session's ID token. */
  federatedRole: aws.iam.Role;
}

/**
 * The private, encrypted bucket of direct uploads. Created before the Router
 * so the site's CSP can name its origin; its CORS rule, which needs the
 * Router's URL, comes with {@link createFiles}.
 */
export function createFilesBucket(targets: GrantTargets): FilesBucket {
  const bucket = new sst.aws.Bucket("Files", {
    // No CloudFront or public access: objects are reached only through presigned URLs.
    cors: false,
    enforceHttps: true,
    transform: {
      bucket: (args) => {
        args.forceDestroy = !isProduction();
      },
      publicAccessBlock: (args) => {
        args.blockPublicAcls = true;
        args.blockPublicPolicy = true;
        args.ignorePublicAcls = true;
        args.restrictPublicBuckets = true;
      },
    },
  });

  new aws.s3.BucketServerSideEncryptionConfiguration("FilesEncryption", {
    bucket: bucket.name,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
  });

  new aws.s3.BucketOwnershipControls("FilesOwnership", {
    bucket: bucket.name,
    // ACLs off: the bucket policy and the federated role alone decide access.
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });

  new aws.s3.BucketLifecycleConfiguration("FilesLifecycle", {
    bucket: bucket.name,
    rules: [
      {
        id: "abort-incomplete-uploads",
        status: "Enabled",
        filter: { prefix: `${uploadsPrefix}/` },
        abortIncompleteMultipartUpload: { daysAfterInitiation: abortIncompleteUploadDays },
      },
    ],
  });

  targets.register({ bucket: "Files" }, bucket.arn);

  const region = aws.getRegionOutput().region;
  const origins = $output([bucket.name, region]).apply(([name, r]) => [
    `https://${name}.s3.${r}.amazonaws.com`,
    `https://${name}.s3.amazonaws.com`,
  ]);
  return { bucket, origins };
}

/**
 * Per-user AWS access through web-identity federation (seed 002), with the
 * BFF in the middle: an IAM OIDC provider for the user pool's issuer, and a
 * role that trusts it only for tokens whose audience is the web client. The
 * role holds the declaration's `federatedFilesGrants`, whose `${sub}` becomes
 * `${<issuer host/path>:sub}`: the subject of the ID token STS verified
 * (IAM keys an OIDC provider's claims by its URL without the scheme; there is
 * no Cognito identity pool here, so no `cognito-identity.amazonaws.com:sub`).
 * The role may touch only `uploads/<the token's own sub>/*`, so even a bug
 * in the BFF cannot reach another user's files. The bucket's CORS rule allows the site's origin only (the
 * SPA PUTs straight to the presigned URL), and in non-production stages also
 * Vite's dev server, where the SPA runs under `sst dev`.
 *
 * The BFF itself gets no S3 permission: it signs with the federated
 * credentials, and `AssumeRoleWithWebIdentity` needs none.
 *
 * Another OIDC IdP (Auth0, as in seed 002) works the same way: an
 * `OpenIdConnectProvider` for its issuer and its host/path in the keys below.
 */
export function createFiles(filesBucket: FilesBucket, auth: Auth, router: sst.aws.Router, targets: GrantTargets): Files {
  const { bucket } = filesBucket;
  const siteOrigin = router.url.apply((url) => url.replace(/\/$/, ""));
  const allowedOrigins = siteOrigin.apply((origin) => (isProduction() ? [origin] : [origin, devServerOrigin]));

  new aws.s3.BucketCorsConfiguration("FilesCors", {
    bucket: bucket.name,
    corsRules: [
      {
        allowedOrigins,
        allowedMethods: ["PUT", "GET"],
        // The presigned PUT carries only its signed content type.
        allowedHeaders: ["content-type"],
        exposeHeaders: ["ETag"],
        maxAgeSeconds: 600,
      },
    ],
  });

  // IAM keys conditions and policy variables by the issuer without its scheme: cognito-idp.<region>.amazonaws.com/<pool id>.
  const issuerHostPath = auth.issuer.apply((issuer) => issuer.replace(/^https:\/\//, "").replace(/\/$/, ""));

  const identityProvider = new aws.iam.OpenIdConnectProvider("FilesIdentityProvider", {
    url: auth.issuer,
    clientIdLists: [auth.webClient.id],
  });

  const federatedRole = new aws.iam.Role("FilesFederatedRole", {
    description: `${$app.name} ${$app.stage}: one user's own uploads, assumed by the BFF with the user's ID token`,
    maxSessionDuration: 3600,
    assumeRolePolicy: $output([identityProvider.arn, issuerHostPath, auth.webClient.id]).apply(([providerArn, hostPath, clientId]) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "WebClientIdTokens",
            Effect: "Allow",
            Principal: { Federated: providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            // Only ID tokens issued to the web client; an access token or another client's token is refused by STS.
            Condition: { StringEquals: { [`${hostPath}:aud`]: clientId } },
          },
        ],
      }),
    ),
  });

  const subVariable = issuerHostPath.apply((hostPath) => `\${${hostPath}:sub}`);
  new aws.iam.RolePolicy("FilesFederatedPolicy", {
    role: federatedRole.name,
    policy: policyDocument(statementsFor(federatedFilesGrants, targets, subVariable)),
  });

  return { ...filesBucket, identityProvider, federatedRole };
}
