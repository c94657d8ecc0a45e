import type { GrantResource } from "@spa-bff/core/infra";

/** Turns a logical resource of the declaration into the ARN it has here (a pattern for `objects`: `…/<prefix>*`). */
export type ArnResolver = (resource: GrantResource) => string;

/** The local platform's names for the resources the declaration grants on. */
export interface LocalResources {
  readonly accountId: string;
  readonly region: string;
  /** Physical table names by logical name, e.g. `{ Sessions: "local-Sessions", … }`. */
  readonly tables: Readonly<Record<"Sessions" | "Items" | "SignInAttempts", string>>;
  /** The local files bucket. */
  readonly bucket: string;
  /** Default `local-session-key`: locally sessions are sealed without KMS, but the grant still resolves. */
  readonly sessionKeyId?: string;
  /** The SES identity codes are sent from; default `codes@localhost`. */
  readonly codeSenderIdentity?: string;
  /** Default `<region>_LocalPool`. */
  readonly userPoolId?: string;
}

/**
 * The ARN of a DynamoDB table (and, given one, of its index) in the local account.
 *
 * @example
 * dynamoTableArn("us-east-1", "123456789012", "local-Items", "byOwner");
 * // "arn:aws:dynamodb:us-east-1:123456789012:table/local-Items/index/byOwner"
 */
export function dynamoTableArn(region: string, accountId: string, table: string, index?: string): string {
  return `arn:aws:dynamodb:${region}:${accountId}:table/${table}${index === undefined ? "" : `/index/${index}`}`;
}

/** The ARN of a bucket, or of an object (or object pattern) in it: S3 ARNs carry no region or account. */
export function s3Arn(bucket: string, key?: string): string {
  return `arn:aws:s3:::${bucket}${key === undefined ? "" : `/${key}`}`;
}

/**
 * The resolver for the local platform: the same logical names the stacks
 * resolve to deployed ARNs, here to the local account's ARNs.
 *
 * @example
 * const resolve = localArnResolver({ accountId: "123456789012", region: "us-east-1", tables, bucket: "local-files" });
 * resolve({ table: "Sessions" }); // "arn:aws:dynamodb:us-east-1:123456789012:table/local-Sessions"
 * resolve({ objects: "Files", prefix: "uploads/${sub}/" }); // "arn:aws:s3:::local-files/uploads/${sub}/*"
 */
export function localArnResolver(resources: LocalResources): ArnResolver {
  const { accountId, region } = resources;
  return (resource) => {
    if ("table" in resource) return dynamoTableArn(region, accountId, resources.tables[resource.table]);
    if ("index" in resource) return dynamoTableArn(region, accountId, resources.tables[resource.index[0]], resource.index[1]);
    if ("key" in resource) return `arn:aws:kms:${region}:${accountId}:key/${resources.sessionKeyId ?? "local-session-key"}`;
    if ("emailIdentity" in resource)
      return `arn:aws:ses:${region}:${accountId}:identity/${resources.codeSenderIdentity ?? "codes@localhost"}`;
    if ("userPool" in resource)
      return `arn:aws:cognito-idp:${region}:${accountId}:userpool/${resources.userPoolId ?? `${region}_LocalPool`}`;
    if ("objects" in resource) return s3Arn(resources.bucket, `${resource.prefix}*`);
    return s3Arn(resources.bucket);
  };
}
