import { s3Arn } from "./arns.ts";

/** One IAM check an S3 request needs: this action on this resource, with `s3:prefix` for a listing. */
export interface S3Requirement {
  readonly action: string;
  readonly resource: string;
  /** The listing's `prefix` parameter; absent when the request sends none (IAM then has no `s3:prefix` key). */
  readonly s3Prefix?: string;
}

/** Sub-resources that make a bucket or object request another operation (and IAM action) than its plain method's. */
const bucketSubresources: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  GET: {
    versions: "s3:ListBucketVersions",
    uploads: "s3:ListBucketMultipartUploads",
    location: "s3:GetBucketLocation",
    cors: "s3:GetBucketCORS",
    policy: "s3:GetBucketPolicy",
    acl: "s3:GetBucketAcl",
    website: "s3:GetBucketWebsite",
    tagging: "s3:GetBucketTagging",
    lifecycle: "s3:GetLifecycleConfiguration",
    encryption: "s3:GetEncryptionConfiguration",
    versioning: "s3:GetBucketVersioning",
    logging: "s3:GetBucketLogging",
    notification: "s3:GetBucketNotification",
    ownershipControls: "s3:GetBucketOwnershipControls",
    publicAccessBlock: "s3:GetBucketPublicAccessBlock",
  },
  PUT: {
    cors: "s3:PutBucketCORS",
    policy: "s3:PutBucketPolicy",
    acl: "s3:PutBucketAcl",
    website: "s3:PutBucketWebsite",
    tagging: "s3:PutBucketTagging",
    lifecycle: "s3:PutLifecycleConfiguration",
    encryption: "s3:PutEncryptionConfiguration",
    versioning: "s3:PutBucketVersioning",
    logging: "s3:PutBucketLogging",
    notification: "s3:PutBucketNotification",
    ownershipControls: "s3:PutBucketOwnershipControls",
    publicAccessBlock: "s3:PutBucketPublicAccessBlock",
  },
  // Deleting a CORS, lifecycle, tagging or website configuration is authorized by its Put action.
  DELETE: {
    cors: "s3:PutBucketCORS",
    policy: "s3:DeleteBucketPolicy",
    website: "s3:DeleteBucketWebsite",
    tagging: "s3:PutBucketTagging",
    lifecycle: "s3:PutLifecycleConfiguration",
    encryption: "s3:PutEncryptionConfiguration",
    ownershipControls: "s3:PutBucketOwnershipControls",
    publicAccessBlock: "s3:PutBucketPublicAccessBlock",
  },
};

const objectSubresources: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  GET: {
    acl: "s3:GetObjectAcl",
    tagging: "s3:GetObjectTagging",
    uploadId: "s3:ListMultipartUploadParts",
    versionId: "s3:GetObjectVersion",
  },
  HEAD: { versionId: "s3:GetObjectVersion" },
  PUT: { acl: "s3:PutObjectAcl", tagging: "s3:PutObjectTagging" },
  DELETE: { uploadId: "s3:AbortMultipartUpload", tagging: "s3:DeleteObjectTagging", versionId: "s3:DeleteObjectVersion" },
  POST: { restore: "s3:RestoreObject" },
};

const plainObjectActions: Readonly<Record<string, string>> = {
  GET: "s3:GetObject",
  HEAD: "s3:GetObject",
  // PUT covers PutObject, UploadPart and CopyObject's destination; POST covers Create/CompleteMultipartUpload.
  PUT: "s3:PutObject",
  POST: "s3:PutObject",
  DELETE: "s3:DeleteObject",
};

const plainBucketActions: Readonly<Record<string, string>> = {
  GET: "s3:ListBucket",
  HEAD: "s3:ListBucket",
  PUT: "s3:CreateBucket",
  DELETE: "s3:DeleteBucket",
};

/**
 * The IAM checks of a path-style S3 request (`/<bucket>/<key>`), per S3's
 * "Required permissions for Amazon S3 API operations": objects by method
 * (GetObject for GET and HEAD, PutObject for PUT, multipart uploads and a
 * copy's destination, plus GetObject on a copy's source, DeleteObject for
 * DELETE) on `arn:aws:s3:::<bucket>/<key>`; listings as ListBucket on the
 * bucket with the `prefix` parameter as `s3:prefix`; sub-resources (`?acl`,
 * `?tagging`, …) by their own actions.
 *
 * Not modelled: a multi-object delete (`POST /<bucket>?delete`) is checked
 * as DeleteObject on every key of the bucket, since the keys are in the
 * body; S3 checks each key and reports per key. Stricter, never looser.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 * @example
 * s3Requirements("PUT", "/local-files/uploads/alice/a.txt?X-Amz-Algorithm=…", {});
 * // [{ action: "s3:PutObject", resource: "arn:aws:s3:::local-files/uploads/alice/a.txt" }]
 */
export function s3Requirements(
  method: string,
  url: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): S3Requirement[] {
  const verb = method.toUpperCase();
  const [rawPath = "/", rawQuery = ""] = splitOnce(url, "?");
  const query = new URLSearchParams(rawQuery);
  const [rawBucket = "", ...rawKey] = rawPath.replace(/^\//, "").split("/");
  const bucket = decode(rawBucket);
  if (bucket === "") return [{ action: "s3:ListAllMyBuckets", resource: "*" }];
  const key = decode(rawKey.join("/"));

  if (rawKey.length === 0 || key === "") {
    if (verb === "POST" && query.has("delete")) return [{ action: "s3:DeleteObject", resource: s3Arn(bucket, "*") }];
    const sub = subresource(bucketSubresources[verb], query);
    if (sub) return [{ action: sub, resource: s3Arn(bucket) }];
    const action = plainBucketActions[verb] ?? `s3:${verb}Bucket`;
    const prefix = query.get("prefix");
    return [{ action, resource: s3Arn(bucket), ...(action === "s3:ListBucket" && prefix !== null ? { s3Prefix: prefix } : {}) }];
  }

  const resource = s3Arn(bucket, key);
  const sub = subresource(objectSubresources[verb], query);
  if (sub) return [{ action: sub, resource }];
  const requirements: S3Requirement[] = [{ action: plainObjectActions[verb] ?? `s3:${verb}Object`, resource }];
  const copySource = headerValue(headers, "x-amz-copy-source");
  if (verb === "PUT" && copySource) {
    const [source = ""] = splitOnce(decode(copySource).replace(/^\//, ""), "?");
    requirements.push({ action: "s3:GetObject", resource: `arn:aws:s3:::${source}` });
  }
  return requirements;
}

function subresource(table: Readonly<Record<string, string>> | undefined, query: URLSearchParams): string | undefined {
  if (!table) return undefined;
  for (const [name, action] of Object.entries(table)) if (query.has(name)) return action;
  return undefined;
}

function splitOnce(value: string, separator: string): [string, string] {
  const index = value.indexOf(separator);
  return index === -1 ? [value, ""] : [value.slice(0, index), value.slice(index + 1)];
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // Kept as sent: an undecodable key can only match a grant that names it that way.
    return value;
  }
}

function headerValue(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
