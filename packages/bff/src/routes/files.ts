import { BadRequestError, ErrorCodes, ForbiddenError } from "@spa-bff/core";
import { requireSession } from "../auth/current-session.ts";
import type { FilesConfig } from "../files/config.ts";
import type { Files } from "../files/create-files.ts";
import { type FileCredentials, resolveCredentials } from "../files/credentials.ts";
import { parseObjectKey } from "../files/object-key.ts";
import { parseUploadRequest } from "../files/upload-request.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import { logWarn, type RequestContext } from "../http/request-context.ts";
import { type BffResult, json } from "../http/respond.ts";
import type { EnsureFresh } from "../refresh/token-refresher.ts";
import type { BffRuntime } from "../runtime.ts";
import type { Session } from "../session/types.ts";

/** One file route, in the shape the handler's router takes. */
export interface FileRoute {
  method: "GET" | "POST" | "DELETE";
  path: string;
  handler: (ctx: RequestContext) => Promise<BffResult>;
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
 * gets presigned URLs. The S3 SDK is loaded on the first file request, so
 * the other routes' cold start does not pay for it.
 *
 * @example
 * const routes = createFileRoutes(runtime, ensureFresh, config.files);
 */
export function createFileRoutes(
  runtime: BffRuntime,
  ensureFresh: EnsureFresh,
  config: FilesConfig | undefined,
  injected?: Files,
): FileRoute[] {
  let loading: Promise<Files> | undefined;
  const files = (): Promise<Files> => {
    if (injected) return Promise.resolve(injected);
    if (!config) throw new Error("file routes without a files configuration");
    loading ??= import("../files/create-files.ts")
      .then((module) => module.createFiles(config))
      .catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
    return loading;
  };

  /** Checks, session, fresh tokens and credentials, in that order; the caller's checks on its input run before. */
  async function authorize(ctx: RequestContext): Promise<{ session: Session; credentials: FileCredentials; files: Files }> {
    const session = await ensureFresh(await requireSession(runtime, ctx), ctx.now, ctx.requestId);
    const idToken = session.tokens.idToken;
    // The ID token is the web identity STS trusts; a session without one cannot federate.
    if (!idToken) throw new ForbiddenError("File storage needs a sign-in that issued an ID token; sign in again");
    const loaded = await files();
    const { credentials, renewed } = await resolveCredentials(loaded.credentials, session.tokens.fileCredentials, {
      sub: session.user.sub,
      idToken,
      now: ctx.now,
    });
    return { session: renewed ? await keepCredentials(ctx, session, credentials) : session, credentials, files: loaded };
  }

  /** Writes renewed credentials into the session (version-conditional); a lost race or a failed write only costs a later renewal. */
  async function keepCredentials(ctx: RequestContext, session: Session, credentials: FileCredentials): Promise<Session> {
    try {
      const { sessions } = await runtime.sessionLayer();
      const result = await sessions.updateTokens(session, { ...session.tokens, fileCredentials: credentials }, ctx.now);
      return result.ok ? result.session : session;
    } catch (error) {
      logWarn(ctx, "file credentials not cached", { errorName: error instanceof Error ? error.name : "unknown" });
      return session;
    }
  }

  /** The operation has run: a failed idle-deadline write must not turn its answer into an error. */
  async function touch(ctx: RequestContext, session: Session): Promise<void> {
    try {
      const { sessions } = await runtime.sessionLayer();
      await sessions.touchIfDue(session, ctx.now);
    } catch (error) {
      logWarn(ctx, "session touch failed", { errorName: error instanceof Error ? error.name : "unknown" });
    }
  }

  const checkRequest = (ctx: RequestContext) => {
    assertCsrfHeader(ctx.headers);
    assertSameSite(ctx.headers, runtime.config.appOrigin);
  };

  return [
    {
      method: "POST",
      path: "/files/uploads",
      handler: async (ctx) => {
        checkRequest(ctx);
        const body = readJsonBody(ctx, runtime.config.maxBodyBytes);
        // Refused before the session is read; the storage checks the same rules again before signing.
        parseUploadRequest(body);
        const { session, credentials, files: loaded } = await authorize(ctx);
        const { name, contentType, size } = body as Record<string, unknown>;
        const upload = await loaded.storage.createUploadUrl({ sub: session.user.sub, name, contentType, size }, credentials, ctx.now);
        await touch(ctx, session);
        return noStore(json(201, upload));
      },
    },
    {
      method: "GET",
      path: "/files",
      handler: async (ctx) => {
        checkRequest(ctx);
        const { session, credentials, files: loaded } = await authorize(ctx);
        const list = await loaded.storage.listFiles(session.user.sub, credentials);
        await touch(ctx, session);
        return noStore(json(200, { files: list }));
      },
    },
    {
      method: "GET",
      path: "/files/download",
      handler: async (ctx) => {
        checkRequest(ctx);
        const key = new URLSearchParams(ctx.event.rawQueryString ?? "").get("key");
        parseObjectKey(key);
        const { session, credentials, files: loaded } = await authorize(ctx);
        const download = await loaded.storage.createDownloadUrl(session.user.sub, key, credentials, ctx.now);
        await touch(ctx, session);
        return noStore(json(200, download));
      },
    },
    {
      method: "DELETE",
      path: "/files/{proxy+}",
      handler: async (ctx) => {
        checkRequest(ctx);
        const key = keyFromPath(ctx.rawPath);
        parseObjectKey(key);
        const { session, credentials, files: loaded } = await authorize(ctx);
        await loaded.storage.deleteFile(session.user.sub, key, credentials);
        await touch(ctx, session);
        return noStore({ statusCode: 204, body: "" });
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
    throw new BadRequestError('"key" must be a file key of the form uploads/<owner>/<id>-<name>', { code: ErrorCodes.invalidKey });
  }
}

function readJsonBody(ctx: RequestContext, maxBytes: number): unknown {
  const raw = ctx.event.body;
  const bytes = raw ? (ctx.event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8")) : Buffer.alloc(0);
  if (bytes.length > maxBytes) {
    throw new BadRequestError(`The request body exceeds ${maxBytes} bytes`, { code: ErrorCodes.payloadTooLarge, status: 413 });
  }
  try {
    return JSON.parse(bytes.toString("utf8")) as unknown;
  } catch {
    throw new BadRequestError('The body must be a JSON object {"name","contentType","size"}');
  }
}

/** Presigned URLs and file lists are per user and short-lived: never cached anywhere. */
function noStore(result: BffResult): BffResult {
  return { ...result, headers: { ...(result.headers ?? {}), "cache-control": "no-store" } };
}
