/**
 * Infra assertions for direct uploads (issue 10): the files bucket, the IAM
 * OIDC provider for the user pool, the federated role and its `sub`-scoped
 * policy, and the BFF's side (env, routing, no S3 permission of its own).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { asList, type IamStatement, type MockResource, ofType, parsePolicy, resource, type SynthResult, synth } from "./harness/index.ts";

type Inputs = Record<string, unknown>;
const get = (value: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v as Inputs | undefined)?.[k], value);
const envOf = (fn: MockResource) => (get(fn.inputs, "environment", "variables") ?? {}) as Record<string, string>;
const bffFunctions = ["BffAuth", "BffApi", "BffFiles"];

let dev: SynthResult;
let bucketName: string;
let issuerHostPath: string;
let webClientId: string;

beforeAll(async () => {
  dev = await synth({ stage: "dev" });
  const bucket = resource(dev.resources, "aws:s3/bucket:Bucket", "FilesBucket");
  bucketName = String(envOf(resource(dev.resources, "aws:lambda/function:Function", "BffFilesFunction")).FILES_BUCKET);
  expect(bucketName).toBe(String(bucket.inputs.bucket ?? bucket.id));
  issuerHostPath = String(envOf(resource(dev.resources, "aws:lambda/function:Function", "BffAuthFunction")).OIDC_ISSUER).replace(
    /^https:\/\//,
    "",
  );
  webClientId = resource(dev.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient").id;
});

function federatedPolicy(): IamStatement[] {
  return parsePolicy(resource(dev.resources, "aws:iam/rolePolicy:RolePolicy", "FilesFederatedPolicy").inputs.policy).Statement;
}

/** Every statement that applies to the BFF's role: its inline and attached policies. */
function bffRoleStatements(): IamStatement[] {
  const role = resource(dev.resources, "aws:iam/role:Role", "BffRole");
  const roleName = String(role.inputs.name ?? "BffRole");
  const inline = ((role.inputs.inlinePolicies ?? []) as { policy?: string }[]).flatMap((p) =>
    p.policy ? parsePolicy(p.policy).Statement : [],
  );
  const attached = ofType(dev.resources, "aws:iam/rolePolicy:RolePolicy")
    .filter((p) => String(p.inputs.role) === roleName)
    .flatMap((p) => parsePolicy(p.inputs.policy).Statement);
  return [...inline, ...attached];
}

describe("files bucket", () => {
  it("blocks every kind of public access, turns ACLs off and refuses plain HTTP", () => {
    // Assess
    const block = resource(dev.resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "FilesPublicAccessBlock");
    expect(block.inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const ownership = resource(dev.resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "FilesOwnership");
    expect(get(ownership.inputs, "rule", "objectOwnership")).toBe("BucketOwnerEnforced");
    const policy = parsePolicy(resource(dev.resources, "aws:s3/bucketPolicy:BucketPolicy", "FilesPolicy").inputs.policy);
    expect(policy.Statement.filter((s) => s.Effect === "Allow")).toEqual([]);
    const plainHttp = policy.Statement.find((s) => s.Effect === "Deny");
    expect(asList(plainHttp?.Action)).toEqual(["s3:*"]);
    expect(asList(plainHttp?.Condition?.Bool?.["aws:SecureTransport"])).toEqual(["false"]);
  });

  it("encrypts every object by default", () => {
    // Assess
    const encryption = resource(
      dev.resources,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "FilesEncryption",
    );
    expect(encryption.inputs.rules).toEqual([
      expect.objectContaining({ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }),
    ]);
  });

  it("allows CORS from the site's origin only, for the presigned PUT and GET", () => {
    // Assess
    const cors = ofType(dev.resources, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration").filter((c) => c.name.startsWith("Files"));
    expect(cors.map((c) => c.name)).toEqual(["FilesCors"]);
    const rules = cors[0]?.inputs.corsRules as Inputs[];
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      allowedOrigins: [String(dev.outputs.site).replace(/\/$/, "")],
      allowedMethods: ["PUT", "GET"],
      allowedHeaders: ["content-type"],
    });
  });

  it("aborts incomplete multipart uploads after a day", () => {
    // Assess
    const lifecycle = resource(dev.resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "FilesLifecycle");
    expect(lifecycle.inputs.rules).toEqual([
      expect.objectContaining({ status: "Enabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }),
    ]);
  });

  it("lets the site's CSP connect to the bucket's origins and nothing else besides itself", () => {
    // Assess
    const headers = resource(dev.resources, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "SecurityHeaders");
    const csp = String(get(headers.inputs, "securityHeadersConfig", "contentSecurityPolicy", "contentSecurityPolicy"));
    const connect = csp
      .split(";")
      .map((d) => d.trim())
      .find((d) => d.startsWith("connect-src"));
    expect(connect).toBe(`connect-src 'self' https://${bucketName}.s3.eu-west-1.amazonaws.com https://${bucketName}.s3.amazonaws.com`);
  });
});

describe("web-identity federation", () => {
  it("registers the user pool's issuer as an IAM OIDC provider for the web client only", () => {
    // Assess
    const provider = resource(dev.resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "FilesIdentityProvider");
    expect(provider.inputs.url).toBe(`https://${issuerHostPath}`);
    expect(issuerHostPath).toMatch(/^cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_\w+$/);
    expect(provider.inputs.clientIdLists).toEqual([webClientId]);
  });

  it("trusts only AssumeRoleWithWebIdentity from that provider, with the web client as the token's audience", () => {
    // Assess
    const role = resource(dev.resources, "aws:iam/role:Role", "FilesFederatedRole");
    const trust = parsePolicy(role.inputs.assumeRolePolicy).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({
      Effect: "Allow",
      Action: "sts:AssumeRoleWithWebIdentity",
      Principal: { Federated: expect.stringMatching(/FilesIdentityProvider$/) },
      Condition: { StringEquals: { [`${issuerHostPath}:aud`]: webClientId } },
    });
  });

  it("scopes the role's object access to uploads/<sub policy variable of the issuer>/*", () => {
    // Assess
    const statements = federatedPolicy();
    const subVariable = `\${${issuerHostPath}:sub}`;
    expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
    const objects = statements.filter((s) => asList(s.Action).some((a) => a !== "s3:ListBucket"));
    expect(objects).toHaveLength(1);
    expect(asList(objects[0]?.Action).sort()).toEqual(["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]);
    expect(asList(objects[0]?.Resource)).toEqual([`arn:aws:s3:::${bucketName}/uploads/${subVariable}/*`]);
    const list = statements.find((s) => asList(s.Action).includes("s3:ListBucket"));
    expect(asList(list?.Action)).toEqual(["s3:ListBucket"]);
    expect(asList(list?.Resource)).toEqual([`arn:aws:s3:::${bucketName}`]);
    expect(list?.Condition).toEqual({ StringLike: { "s3:prefix": [`uploads/${subVariable}/`, `uploads/${subVariable}/*`] } });
    for (const statement of statements) for (const action of asList(statement.Action)) expect(action).not.toContain("*");
  });
});

describe("the BFF's side of direct uploads", () => {
  it("gives every BFF function the bucket and the federated role, and the BFF role no S3 permission at all", () => {
    // Assess
    const roleArn = `arn:aws:iam::123456789012:role/${String(resource(dev.resources, "aws:iam/role:Role", "FilesFederatedRole").inputs.name ?? "FilesFederatedRole")}`;
    for (const name of bffFunctions) {
      expect(envOf(resource(dev.resources, "aws:lambda/function:Function", `${name}Function`))).toMatchObject({
        FILES_BUCKET: bucketName,
        FILES_ROLE_ARN: roleArn,
      });
    }
    const statements = bffRoleStatements();
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of asList(statement.Action)) expect(action, JSON.stringify(statement)).not.toMatch(/^(s3:|\*$)/);
      for (const target of asList(statement.Resource)) expect(target).not.toContain(bucketName);
    }
    const managed = asList(resource(dev.resources, "aws:iam/role:Role", "BffRole").inputs.managedPolicyArns as string[]);
    for (const arn of managed) expect(arn).not.toMatch(/S3/i);
  });

  it("routes /files to a BFF function URL that only CloudFront can call, with caching off", () => {
    // Assess
    const url = resource(dev.resources, "aws:lambda/functionUrl:FunctionUrl", "BffFilesUrl");
    expect(url.inputs.authorizationType).toBe("AWS_IAM");
    const entries = ofType(dev.resources, "pulumi-nodejs:dynamic:Resource")
      .filter((r) => r.name.endsWith("RoutesUpdate"))
      .map((r) => String(r.inputs.entry).split(","));
    expect(entries.map((e) => [e[0], e[3]])).toContainEqual(["url", "/files"]);
    const distribution = resource(dev.resources, "aws:cloudfront/distribution:Distribution", "RouterCdnDistribution");
    const behaviors = (distribution.inputs.orderedCacheBehaviors as Inputs[]).filter((b) => String(b.pathPattern).startsWith("/files"));
    expect(behaviors.map((b) => b.pathPattern)).toEqual(["/files", "/files/*"]);
    for (const behavior of behaviors) {
      expect(behavior).toMatchObject({ cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", viewerProtocolPolicy: "https-only" });
    }
  });
});
