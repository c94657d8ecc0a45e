/**
 * Direct uploads (issue 10): the files bucket, the IAM OIDC provider for the
 * user pool, the federated role and its `sub`-scoped policy, and the BFF's
 * side (env, routing, no S3 permission of its own).
 */
import { expect } from "vitest";
import type { SynthResult } from "../harness/index.ts";
import { asList, envOf, get, type Inputs, lambda, parsePolicy, resource, routerEntries, siteOrigin, statementsOf } from "./helpers.ts";
import { type Check, check } from "./types.ts";

const bffFunctions = ["BffAuth", "BffApi", "BffFiles"];

/** What the files checks compare against, read off one run. */
function facts(run: SynthResult) {
  const bucket = resource(run.resources, "aws:s3/bucket:Bucket", "FilesBucket");
  const bucketName = String(envOf(lambda(run, "BffFiles")).FILES_BUCKET);
  expect(bucketName).toBe(String(bucket.inputs.bucket ?? bucket.id));
  const issuerHostPath = String(envOf(lambda(run, "BffAuth")).OIDC_ISSUER).replace(/^https:\/\//, "");
  const webClientId = resource(run.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient").id;
  const federated = parsePolicy(resource(run.resources, "aws:iam/rolePolicy:RolePolicy", "FilesFederatedPolicy").inputs.policy).Statement;
  return { bucketName, issuerHostPath, webClientId, federated };
}

export const filesChecks: Check[] = [
  check(
    "files.bucket-private",
    "the files bucket blocks every kind of public access, turns ACLs off and refuses plain HTTP",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const block = resource(run.resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "FilesPublicAccessBlock");
        expect(block.inputs).toMatchObject({
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        });
        const ownership = resource(run.resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "FilesOwnership");
        expect(get(ownership.inputs, "rule", "objectOwnership")).toBe("BucketOwnerEnforced");
        const policy = parsePolicy(resource(run.resources, "aws:s3/bucketPolicy:BucketPolicy", "FilesPolicy").inputs.policy);
        expect(policy.Statement.filter((s) => s.Effect === "Allow")).toEqual([]);
        const plainHttp = policy.Statement.find((s) => s.Effect === "Deny");
        expect(asList(plainHttp?.Action)).toEqual(["s3:*"]);
        expect(asList(plainHttp?.Condition?.Bool?.["aws:SecureTransport"])).toEqual(["false"]);
      }
    },
  ),

  check("files.encryption", "every object in the files bucket is encrypted by default", ["dev"], ({ dev }) => {
    const encryption = resource(
      dev.resources,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "FilesEncryption",
    );
    expect(encryption.inputs.rules).toEqual([
      expect.objectContaining({ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }),
    ]);
  }),

  check(
    "files.cors",
    "the bucket allows CORS for the presigned PUT and GET from the site's origin, plus the sst dev server outside production",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const [run, origins] of [
        [dev, [siteOrigin(dev), "http://localhost:5173"]],
        [production, [siteOrigin(production)]],
      ] as const) {
        const cors = resource(run.resources, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "FilesCors");
        const rules = cors.inputs.corsRules as Inputs[];
        expect(rules).toHaveLength(1);
        expect(rules[0]).toMatchObject({ allowedOrigins: origins, allowedMethods: ["PUT", "GET"], allowedHeaders: ["content-type"] });
      }
    },
  ),

  check("files.lifecycle", "incomplete multipart uploads are aborted after a day", ["dev"], ({ dev }) => {
    const lifecycle = resource(dev.resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "FilesLifecycle");
    expect(lifecycle.inputs.rules).toEqual([
      expect.objectContaining({ status: "Enabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }),
    ]);
  }),

  check("files.csp", "the site's CSP lets the SPA connect to the bucket's origins and nothing else besides itself", ["dev"], ({ dev }) => {
    const { bucketName } = facts(dev);
    const headers = resource(dev.resources, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "SecurityHeaders");
    const csp = String(get(headers.inputs, "securityHeadersConfig", "contentSecurityPolicy", "contentSecurityPolicy"));
    const connect = csp
      .split(";")
      .map((d) => d.trim())
      .find((d) => d.startsWith("connect-src"));
    expect(connect).toBe(`connect-src 'self' https://${bucketName}.s3.eu-west-1.amazonaws.com https://${bucketName}.s3.amazonaws.com`);
  }),

  check("files.identity-provider", "the user pool's issuer is an IAM OIDC provider for the web client only", ["dev"], ({ dev }) => {
    const { issuerHostPath, webClientId } = facts(dev);
    const provider = resource(dev.resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "FilesIdentityProvider");
    expect(provider.inputs.url).toBe(`https://${issuerHostPath}`);
    expect(issuerHostPath).toMatch(/^cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_\w+$/);
    expect(provider.inputs.clientIdLists).toEqual([webClientId]);
  }),

  check(
    "files.federated-trust",
    "the federated role trusts only AssumeRoleWithWebIdentity from that provider, with the web client as the token's audience",
    ["dev"],
    ({ dev }) => {
      const { issuerHostPath, webClientId } = facts(dev);
      const role = resource(dev.resources, "aws:iam/role:Role", "FilesFederatedRole");
      const trust = parsePolicy(role.inputs.assumeRolePolicy).Statement;
      expect(trust).toHaveLength(1);
      expect(trust[0]).toMatchObject({
        Effect: "Allow",
        Action: "sts:AssumeRoleWithWebIdentity",
        Principal: { Federated: expect.stringMatching(/FilesIdentityProvider$/) },
        Condition: { StringEquals: { [`${issuerHostPath}:aud`]: webClientId } },
      });
    },
  ),

  check(
    "files.own-prefix",
    "the federated role reaches only uploads/<the token's own sub>/*, listing included",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const { bucketName, issuerHostPath, federated } = facts(run);
        const subVariable = `\${${issuerHostPath}:sub}`;
        expect(federated.every((s) => s.Effect === "Allow")).toBe(true);
        const objects = federated.filter((s) => asList(s.Action).some((a) => a !== "s3:ListBucket"));
        expect(objects).toHaveLength(1);
        expect(asList(objects[0]?.Action).sort()).toEqual(["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]);
        expect(asList(objects[0]?.Resource)).toEqual([`arn:aws:s3:::${bucketName}/uploads/${subVariable}/*`]);
        const list = federated.find((s) => asList(s.Action).includes("s3:ListBucket"));
        expect(asList(list?.Action)).toEqual(["s3:ListBucket"]);
        expect(asList(list?.Resource)).toEqual([`arn:aws:s3:::${bucketName}`]);
        expect(list?.Condition).toEqual({ StringLike: { "s3:prefix": [`uploads/${subVariable}/`, `uploads/${subVariable}/*`] } });
        for (const statement of federated) for (const action of asList(statement.Action)) expect(action).not.toContain("*");
      }
    },
  ),

  check(
    "files.bff-side",
    "every BFF function knows the bucket and the federated role, and the BFF's role has no S3 permission at all",
    ["dev"],
    ({ dev }) => {
      const { bucketName } = facts(dev);
      const federatedRole = resource(dev.resources, "aws:iam/role:Role", "FilesFederatedRole");
      const roleArn = `arn:aws:iam::123456789012:role/${String(federatedRole.inputs.name ?? "FilesFederatedRole")}`;
      for (const name of bffFunctions)
        expect(envOf(lambda(dev, name))).toMatchObject({ FILES_BUCKET: bucketName, FILES_ROLE_ARN: roleArn });
      const bffRole = resource(dev.resources, "aws:iam/role:Role", "BffRole");
      const statements = statementsOf(dev, bffRole);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        for (const action of asList(statement.Action)) expect(action, JSON.stringify(statement)).not.toMatch(/^(s3:|\*$)/);
        for (const target of asList(statement.Resource)) expect(target).not.toContain(bucketName);
      }
      for (const arn of asList(bffRole.inputs.managedPolicyArns as string[])) expect(arn).not.toMatch(/S3/i);
    },
  ),

  check("files.routing", "/files reaches a BFF function URL that only CloudFront can call, with caching off", ["dev"], ({ dev }) => {
    const url = resource(dev.resources, "aws:lambda/functionUrl:FunctionUrl", "BffFilesUrl");
    expect(url.inputs.authorizationType).toBe("AWS_IAM");
    expect(routerEntries(dev).map((e) => [e[0], e[3]])).toContainEqual(["url", "/files"]);
    const distribution = resource(dev.resources, "aws:cloudfront/distribution:Distribution", "RouterCdnDistribution");
    const behaviors = (distribution.inputs.orderedCacheBehaviors as Inputs[]).filter((b) => String(b.pathPattern).startsWith("/files"));
    expect(behaviors.map((b) => b.pathPattern)).toEqual(["/files", "/files/*"]);
    for (const behavior of behaviors) {
      expect(behavior).toMatchObject({ cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", viewerProtocolPolicy: "https-only" });
    }
  }),
];
