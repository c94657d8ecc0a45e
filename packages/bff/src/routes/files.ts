import { BadRequestError, ForbiddenError, PayloadTooLargeError } from "@spa-bff/core";
import { type HttpResponse, json, noContent } from "@spa-bff/core/http";
import type { Audit } from "../audit.ts";
import { requireSession } from "../auth/current-session.ts";
import { type CredentialsProvider, type FileCredentials, resolveCredentials } from "../files/credentials.ts";
import type { FileStorage } from "../files/file-storage.ts";
import { parseObjectKey } from "../files/object-key.ts";
import { parseUploadRequest } from "../files/upload-request.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import { type BffRequest, bodyBytes } from "../http/request.ts";
import type { EnsureFresh } from "../refresh/token-refresher.ts";
import type { Session, SessionService } from "../session/types.ts";
import type { BffRoute } from "./route.ts";

export interface FileRoutesDeps {
  sessions: SessionService;
  refresher: EnsureFresh;
  storage: FileStorage;
  credentials: CredentialsProvider;
  audit: Audit;
  appOrigin: string;
  maxBodyBytes: number;
}

const filesPrefix = "/files/";

/**
 * The direct-upload routes, under the same CSRF and session rules as `/api/*`:
 *
 * - `POST /files/uploads` `{name, contentType, size}` → 201 `{url, key, expiresAt, headers}`: a presigned PUT
 * - `GET /files` → `{files: [{key, name, size, lastModified}]}`: the caller's own files
 * - `DELETE /files/{key}` → 204: the key is the rest of the path, percent-decoded once
 * - `GET /files/download?key=…` → `{url, expiresAt}`: a presigned GET served as an attachment
 *
 * Each request uses the user's federated credentials (STS
 * `AssumeRoleWithWebIdentity` with the session's ID token in AWS, fixed ones
 * against the local S3). They are cached in the encrypted session until
 * shortly before they expire and never leave the BFF; the browser only
 * gets presigned URLs.
 */
export function fileRoutes(deps: FileRoutesDeps): BffRoute[] {
  /** Checks, session, fresh tokens and credentials, in that order; the caller's checks on its input run before. */
  async function authorize(request: BffRequest): Promise<{ session: Session; credentials: FileCredentials }> {
    const session = await deps.refresher(await requireSession(deps.sessions, deps.audit, request), request.now, request.requestId);
    const idToken = session.tokens.idToken;
    // The ID token is the web identity STS trusts; a session without one cannot federate.
    if (!idToken) throw new ForbiddenError("File storage needs a sign-in that issued an ID token; sign in again");
    const { credentials, renewed } = await resolveCredentials(deps.credentials, session.tokens.fileCredentials, {
      sub: session.user.sub,
      idToken,
      now: request.now,
    });
    return { session: renewed ? await keepCredentials(request, session, credentials) : session, credentials };
  }

  /** Writes renewed credentials into the session (version-conditional); a lost race or a failed write only costs a later renewal. */
  async function keepCredentials(request: BffRequest, session: Session, credentials: FileCredentials): Promise<Session> {
    try {
      const result = await deps.sessions.updateTokens(session, { ...session.tokens, fileCredentials: credentials }, request.now);
      return result.ok ? result.session : session;
    } catch (error) {
      request.warn("file credentials not cached", { errorName: error instanceof Error ? error.name : "unknown" });
      return session;
    }
  }

  /** The operation has run: a failed idle-deadline write must not turn its answer into an error. */
  async function touch(request: BffRequest, session: Session): Promise<void> {
    try {
      await deps.sessions.touchIfDue(session, request.now);
    } catch (error) {
      request.warn("session touch failed", { errorName: error instanceof Error ? error.name : "unknown" });
    }
  }

  const checkRequest = (request: BffRequest) => {
    assertCsrfHeader(request.headers);
    assertSameSite(request.headers, deps.appOrigin);
  };

  return [
    {
      method: "POST",
      path: "/files/uploads",
      handler: async (request) => {
        checkRequest(request);
        const body = readJsonBody(request, deps.maxBodyBytes);
        // Refused before the session is read; the storage checks the same rules again before signing.
        parseUploadRequest(body);
        const { session, credentials } = await authorize(request);
        const { name, contentType, size } = body as Record<string, unknown>;
        const upload = await deps.storage.createUploadUrl({ sub: session.user.sub, name, contentType, size }, credentials, request.now);
        await touch(request, session);
        return noStore(json(201, upload));
      },
    },
    {
      method: "GET",
      path: "/files",
      handler: async (request) => {
        checkRequest(request);
        const { session, credentials } = await authorize(request);
        const list = await deps.storage.listFiles(session.user.sub, credentials);
        await touch(request, session);
        return noStore(json(200, { files: list }));
      },
    },
    {
      method: "GET",
      path: "/files/download",
      handler: async (request) => {
        checkRequest(request);
        const key = new URLSearchParams(request.event.rawQueryString ?? "").get("key");
        parseObjectKey(key);
        const { session, credentials } = await authorize(request);
        const download = await deps.storage.createDownloadUrl(session.user.sub, key, credentials, request.now);
        await touch(request, session);
        return noStore(json(200, download));
      },
    },
    {
      method: "DELETE",
      path: "/files/{proxy+}",
      handler: async (request) => {
        checkRequest(request);
        const key = keyFromPath(request.rawPath);
        parseObjectKey(key);
        const { session, credentials } = await authorize(request);
        await deps.storage.deleteFile(session.user.sub, key, credentials);
        await touch(request, session);
        return noStore(noContent());
      },
    },
  ];
}

/**
 * The object key of `DELETE /files/{key}`: the rest of the raw path,
 * percent-decoded exactly once, so `%2F` and `/` both separate segments and
 * a double-encoded `%252e%252e` stays a `%` that the key rules refuse.
 */
export function keyFromPath(rawPath: string): string {
  const encoded = rawPath.startsWith(filesPrefix) ? rawPath.slice(filesPrefix.length) : "";
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new BadRequestError('"key" must be a file key of the form uploads/<owner>/<id>-<name>', { code: "invalid_key" });
  }
}

function readJsonBody(request: BffRequest, maxBytes: number): unknown {
  const bytes = bodyBytes(request);
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  try {
    return JSON.parse(bytes.toString("utf8")) as unknown;
  } catch {
    throw new BadRequestError('The body must be a JSON object {"name","contentType","size"}');
  }
}

/** Presigned URLs and file lists are per user and short-lived: never cached anywhere. */
function noStore(result: HttpResponse): HttpResponse {
  return { ...result, headers: { ...(result.headers ?? {}), "cache-control": "no-store" } };
}
