import { randomUUID } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { ConfigError, ForbiddenError, InternalError, isAppError, isLoopbackUrl, UpstreamError } from "@spa-bff/core";
import type { FileCredentials } from "./credentials.ts";
import { assertOwnedKey, createObjectKey, userPrefix } from "./object-key.ts";
import { maxFileBytes, parseUploadRequest } from "./upload-request.ts";

/** Presigned URLs live five minutes: long enough to start an upload, short enough that a leaked URL soon dies. */
export const presignedUrlSeconds = 300;
/** The most files `listFiles` returns; a user's list is a screen, not an export. */
export const maxListedFiles = 1000;

export interface FileStorageOptions {
  bucket: string;
  region: string;
  /** The local S3 server (loopback only); path-style addressing. Leave unset in AWS. */
  endpoint?: string;
  /** Upload size limit in bytes (default 10 MiB). */
  maxFileBytes?: number;
  /** Presigned URL lifetime in seconds (default 300). */
  urlSeconds?: number;
  /** Source of the random part of new keys (tests pass a fixed one). */
  newId?: () => string;
}

/** What `POST /files/uploads` sends; validated by {@link FileStorage.createUploadUrl}. */
export interface UploadInput {
  sub: string;
  name: unknown;
  contentType: unknown;
  size: unknown;
}

/** The answer to `POST /files/uploads`: the browser PUTs the file to `url` with exactly these headers. */
export interface UploadUrl {
  url: string;
  key: string;
  /** Epoch seconds after which S3 refuses the URL. */
  expiresAt: number;
  /** Bound into the signature: another type or size makes S3 answer 403. */
  headers: { "content-type": string; "content-length": string };
}

/** One of the user's files, as `GET /files` lists it. */
export interface StoredFile {
  key: string;
  /** The sanitised name given at upload. */
  name: string;
  size: number;
  /** ISO 8601. */
  lastModified: string;
}

/** A presigned GET, served as a download so an uploaded file never runs on an origin. */
export interface DownloadUrl {
  url: string;
  expiresAt: number;
}

/** Per-user file operations on one bucket, each with the caller's short-lived credentials. */
export interface FileStorage {
  createUploadUrl(input: UploadInput, creds: FileCredentials, now: number): Promise<UploadUrl>;
  listFiles(sub: string, creds: FileCredentials): Promise<StoredFile[]>;
  deleteFile(sub: string, key: unknown, creds: FileCredentials): Promise<void>;
  createDownloadUrl(sub: string, key: unknown, creds: FileCredentials, now: number): Promise<DownloadUrl>;
}

/**
 * The S3 side of direct uploads. Keys are always `uploads/<sub>/<uuid>-<safe name>`
 * and checked against the caller's `sub` before any call, behind the role's
 * own `${sub}`-scoped policy. The same code runs against S3 and the local
 * S3 server; only `endpoint` and the credentials differ.
 *
 * @example
 * const storage = createFileStorage({ bucket: config.bucket, region: config.region, endpoint: config.s3Endpoint });
 * const upload = await storage.createUploadUrl({ sub, ...body }, creds, now);
 * // browser: fetch(upload.url, { method: "PUT", headers: { "content-type": upload.headers["content-type"] }, body: file })
 */
export function createFileStorage(options: FileStorageOptions): FileStorage {
  if (options.endpoint !== undefined && !isLoopbackUrl(options.endpoint)) {
    throw new ConfigError(`Invalid S3 endpoint "${options.endpoint}". Expected: a loopback URL (the local S3); leave unset in AWS`);
  }
  const limit = options.maxFileBytes ?? maxFileBytes;
  const urlSeconds = options.urlSeconds ?? presignedUrlSeconds;
  const newId = options.newId ?? randomUUID;

  function clientFor(creds: FileCredentials): S3Client {
    return new S3Client({
      region: options.region,
      credentials: {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
      },
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      // Default checksums would add a CRC32 of an empty body to presigned PUTs, which then fail for any real file.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  function expiryFor(creds: FileCredentials, now: number): { expiresAt: number; expiresIn: number } {
    // A URL signed with temporary credentials dies with them, whatever X-Amz-Expires says.
    const expiresAt = Math.min(now + urlSeconds, creds.expiresAt);
    if (expiresAt <= now) throw new InternalError("The file credentials have expired; renew them before signing");
    return { expiresAt, expiresIn: expiresAt - now };
  }

  return {
    async createUploadUrl(input, creds, now) {
      const request = parseUploadRequest({ name: input.name, contentType: input.contentType, size: input.size }, limit);
      const key = createObjectKey(input.sub, request.name, newId);
      const { expiresAt, expiresIn } = expiryFor(creds, now);
      const client = clientFor(creds);
      try {
        const url = await getSignedUrl(
          client,
          new PutObjectCommand({ Bucket: options.bucket, Key: key, ContentType: request.contentType, ContentLength: request.size }),
          // The presigner leaves content-type unsigned by default; signing it and content-length makes S3 refuse any other type or size.
          { expiresIn, signingDate: new Date(now * 1000), signableHeaders: new Set(["content-type", "content-length"]) },
        );
        return { url, key, expiresAt, headers: { "content-type": request.contentType, "content-length": String(request.size) } };
      } finally {
        client.destroy();
      }
    },

    async listFiles(sub, creds) {
      const prefix = userPrefix(sub);
      const client = clientFor(creds);
      const files: StoredFile[] = [];
      try {
        let token: string | undefined;
        do {
          const page = await send(() =>
            client.send(new ListObjectsV2Command({ Bucket: options.bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 1000 })),
          );
          for (const object of page.Contents ?? []) {
            const file = toStoredFile(sub, object);
            if (file) files.push(file);
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token !== undefined && files.length < maxListedFiles);
      } finally {
        client.destroy();
      }
      return files.sort((a, b) => b.lastModified.localeCompare(a.lastModified) || a.key.localeCompare(b.key)).slice(0, maxListedFiles);
    },

    async deleteFile(sub, key, creds) {
      const owned = assertOwnedKey(sub, key);
      const client = clientFor(creds);
      try {
        await send(() => client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: owned.key })));
      } finally {
        client.destroy();
      }
    },

    async createDownloadUrl(sub, key, creds, now) {
      const owned = assertOwnedKey(sub, key);
      const { expiresAt, expiresIn } = expiryFor(creds, now);
      const client = clientFor(creds);
      try {
        const url = await getSignedUrl(
          client,
          new GetObjectCommand({
            Bucket: options.bucket,
            Key: owned.key,
            ResponseContentDisposition: `attachment; filename="${owned.name}"`,
          }),
          { expiresIn, signingDate: new Date(now * 1000) },
        );
        return { url, expiresAt };
      } finally {
        client.destroy();
      }
    },
  };
}

function toStoredFile(sub: string, object: { Key?: string; Size?: number; LastModified?: Date }): StoredFile | undefined {
  // Objects that are not in our key form (or, whatever the prefix said, not the caller's) are never listed.
  try {
    const parts = assertOwnedKey(sub, object.Key);
    return {
      key: parts.key,
      name: parts.name,
      size: object.Size ?? 0,
      lastModified: (object.LastModified ?? new Date(0)).toISOString(),
    };
  } catch {
    return undefined;
  }
}

async function send<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isAppError(error)) throw error;
    const name = (error as { name?: unknown }).name;
    const cause = { name: typeof name === "string" ? name : "unknown" };
    if (name === "AccessDenied") throw new ForbiddenError("The file storage refused access", { cause });
    throw new UpstreamError("The file storage is unavailable", { cause });
  }
}
