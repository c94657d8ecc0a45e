import { createHash } from "node:crypto";
import { policyDocumentJson } from "./policy-document.ts";

/** What the mock run knows about one registered resource. */
export interface MockResource {
  type: string;
  name: string;
  urn: string;
  id: string;
  custom: boolean;
  /** Final inputs, after SST defaults and `transform`s. */
  inputs: Record<string, unknown>;
  /** Resource options read off the monitor's registration request. */
  options: { parent: string; protect: boolean; retainOnDelete: boolean; dependsOn: string[] };
}

/** An invoke mock: receives the invoke's inputs, returns its result. */
export type CallMock = (inputs: Record<string, unknown>) => Record<string, unknown>;

/** Fake account facts; every mock ARN is built from them. */
export interface MockAccount {
  region: string;
  accountId: string;
}

function shortHash(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 8);
}

/**
 * Outputs AWS computes that SST components read back (ARNs, URLs, ids).
 * Without them SST's `.apply()` chains would see `undefined`.
 */
export function computedOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  account: MockAccount,
): Record<string, unknown> {
  const { region, accountId } = account;
  const physical = typeof inputs.name === "string" ? inputs.name : name;
  const id = `${name.toLowerCase()}-${shortHash(`${type}:${name}`)}`;
  const base: Record<string, unknown> = { id, arn: `arn:aws:mock:${region}:${accountId}:${type.split(":")[1] ?? type}/${physical}` };
  switch (type) {
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${region}:${accountId}:function:${physical}`;
      return {
        ...base,
        name: physical,
        arn,
        qualifiedArn: `${arn}:$LATEST`,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
      };
    }
    case "aws:lambda/functionUrl:FunctionUrl":
      return { ...base, functionUrl: `https://${id}.lambda-url.${region}.on.aws/`, urlId: id };
    case "aws:iam/role:Role":
      return { ...base, name: physical, arn: `arn:aws:iam::${accountId}:role/${physical}`, uniqueId: id };
    case "aws:apigateway/restApi:RestApi":
      return { ...base, rootResourceId: `${id}-root`, executionArn: `arn:aws:execute-api:${region}:${accountId}:${id}` };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = typeof inputs.bucket === "string" ? inputs.bucket : id;
      return {
        ...base,
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
      };
    }
    case "aws:cloudfront/distribution:Distribution":
      return {
        ...base,
        domainName: `${id}.cloudfront.net`,
        hostedZoneId: "Z2FDTNDATAQYW2",
        arn: `arn:aws:cloudfront::${accountId}:distribution/${id}`,
      };
    case "aws:cognito/userPool:UserPool":
      return {
        ...base,
        id: `${region}_${shortHash(name)}`,
        endpoint: `cognito-idp.${region}.amazonaws.com/${region}_${shortHash(name)}`,
        arn: `arn:aws:cognito-idp:${region}:${accountId}:userpool/${region}_${shortHash(name)}`,
      };
    case "aws:cognito/userPoolClient:UserPoolClient":
      return { ...base, clientSecret: "mock-client-secret" };
    case "aws:kms/key:Key":
      return { ...base, keyId: id, arn: `arn:aws:kms:${region}:${accountId}:key/${id}` };
    case "aws:dynamodb/table:Table":
      return { ...base, name: physical, arn: `arn:aws:dynamodb:${region}:${accountId}:table/${physical}`, streamArn: "" };
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return {
        ...base,
        id: `vpce-${shortHash(name)}`,
        dnsEntries: [{ dnsName: `vpce-${shortHash(name)}.execute-api.${region}.vpce.amazonaws.com`, hostedZoneId: "Z1" }],
      };
    case "random:index/randomBytes:RandomBytes":
      return { ...base, base64: Buffer.from(shortHash(name)).toString("base64"), hex: shortHash(name) };
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString":
      return { ...base, result: `mock-${shortHash(name)}` };
    default:
      return base;
  }
}

/**
 * Answers the invokes SST makes. Unknown invokes echo their inputs, because
 * SST reads invoke inputs back (getPolicyDocument's `statements`).
 */
export function callResult(
  token: string,
  inputs: Record<string, unknown>,
  account: MockAccount,
  extra: Record<string, CallMock>,
): Record<string, unknown> {
  const custom = extra[token];
  if (custom) return { ...inputs, ...custom(inputs) };
  const { region, accountId } = account;
  switch (token) {
    case "aws:index/getRegion:getRegion":
      return { ...inputs, id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
    case "aws:index/getPartition:getPartition":
      return { ...inputs, id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { ...inputs, id: accountId, accountId, arn: `arn:aws:iam::${accountId}:user/mock`, userId: "AIDAMOCK" };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { ...inputs, id: region, names: ["a", "b", "c"].map((z) => `${region}${z}`), zoneIds: ["1", "2", "3"].map((z) => `az${z}`) };
    case "aws:ec2/getAmi:getAmi":
      return { ...inputs, id: "ami-0mock", architecture: "arm64", imageId: "ami-0mock" };
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { ...inputs, id: "policy", json: policyDocumentJson(inputs as Parameters<typeof policyDocumentJson>[0]) };
    default:
      return inputs;
  }
}
