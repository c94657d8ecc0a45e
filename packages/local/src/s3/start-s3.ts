import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver, { type S3rverContext, type S3rverMiddleware } from "s3rver";
import { type LocalIam, localAdminCredentials } from "../aws/local-iam.ts";
import { checkS3Request, type S3Refusal } from "../aws/s3-iam-check.ts";
import { close, listen } from "../http/listen.ts";
import { corsConfiguration } from "./cors-configuration.ts";
import { type SignedRequest, verifySigV4 } from "./sigv4-verifier.ts";

/** s3rver's built-in account: the only key a local S3 without `iam` accepts. */
export const localS3Credentials = Object.freeze({ accessKeyId: "S3RVER", secretAccessKey: "S3RVER" });

export interface StartS3Options {
  /** 0 picks a free port (kept across `stop()`/`start()`). */
  port: number;
  host?: string;
  /** Where objects are kept; `null` for a temporary folder removed on `stop()`. */
  dataDir: string | null;
  bucket: string;
  /** The SPA's origin, the only one the bucket's CORS rule allows. */
  corsOrigin: string;
  /**
   * Resolve each request's key through the local account and authorize it
   * as S3 would: web-identity sessions of the files role only under their
   * own `uploads/<sub>/`, expired sessions refused (`ExpiredToken`), the
   * administrator (`local`/`local`, then `credentials`) everything. Without
   * it, only s3rver's built-in key is accepted, for everything.
   */
  iam?: LocalIam;
}

export interface LocalS3 {
  /** `http://<host>:<port>`, for `S3_ENDPOINT` (path-style). */
  readonly endpoint: string;
  readonly bucket: string;
  readonly port: number;
  /** Keys allowed everything: the administrator's with `iam`, s3rver's built-in ones without. */
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** The folder objects are kept in while running (`null` once a temporary one is removed). */
  readonly directory: string | null;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Starts a local S3 (s3rver) on loopback with one bucket, a CORS rule for
 * the SPA's origin only, and real SigV4 checks in front: s3rver itself
 * accepts any V4 signature, so without this a presigned URL's bound
 * content-type and content-length would not be enforced locally. Unsigned
 * requests (other than CORS preflights) are refused, as on a private bucket.
 * With `iam`, each request's key is resolved through the local account and
 * its actions authorized as S3 would (see `checkS3Request`).
 *
 * @example
 * const s3 = await startS3({ port: 0, dataDir: null, bucket: "local-files", corsOrigin: "http://localhost:3000", iam });
 * // S3_ENDPOINT=s3.endpoint FILES_BUCKET=s3.bucket
 * await s3.stop();
 */
export async function startS3(options: StartS3Options): Promise<LocalS3> {
  const host = options.host ?? "127.0.0.1";
  const cors = corsConfiguration(options.corsOrigin);
  let port = options.port;
  let directory = options.dataDir;
  let server: Server | undefined;

  async function start(): Promise<void> {
    if (server) return;
    if (options.dataDir === null) directory = await mkdtemp(join(tmpdir(), "spa-bff-s3-"));
    else await mkdir(options.dataDir, { recursive: true });
    const instance = new S3rver({
      address: host,
      port,
      silent: true,
      directory: directory ?? undefined,
      vhostBuckets: false,
      allowMismatchedSignatures: false,
      configureBuckets: [{ name: options.bucket, configs: [cors] }],
    });
    // Koa runs its stack in order: this check comes before s3rver's routes and its own (V2-only) signature check.
    instance.middleware.unshift(requestCheck(new URL(options.corsOrigin).origin, options.iam));
    // s3rver's own run() passes a callback to server.listen, which never sees
    // an EADDRINUSE (the process would hang); its handler goes on our server.
    const http = createServer(instance.callback());
    try {
      await instance.configureBuckets();
      port = await listen(http, port, host, "Local S3");
      server = http;
    } catch (error) {
      // A port already taken must not leave a temporary folder behind.
      if (options.dataDir === null && directory) await rm(directory, { recursive: true, force: true });
      throw error;
    }
  }

  async function stop(): Promise<void> {
    const running = server;
    server = undefined;
    if (running) await close(running);
    if (options.dataDir === null && directory) {
      await rm(directory, { recursive: true, force: true });
      directory = null;
    }
  }

  await start();
  return {
    get endpoint() {
      return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    },
    bucket: options.bucket,
    get port() {
      return port;
    },
    get directory() {
      return directory;
    },
    // A fresh object: the AWS SDK annotates the credentials it is given, which a frozen one would refuse.
    credentials: { ...(options.iam ? localAdminCredentials : localS3Credentials) },
    stop,
    start,
  };
}

/** Without IAM: a valid signature of s3rver's built-in key is enough. */
function staticKeyCheck(request: SignedRequest, now: Date): S3Refusal | undefined {
  const result = verifySigV4(
    request,
    (accessKeyId) => (accessKeyId === localS3Credentials.accessKeyId ? localS3Credentials.secretAccessKey : undefined),
    now,
  );
  if (result.ok) return undefined;
  return { status: result.code === "AuthorizationQueryParametersError" ? 400 : 403, code: result.code, message: result.message };
}

function requestCheck(corsOrigin: string, iam: LocalIam | undefined): S3rverMiddleware {
  return async (ctx, next) => {
    // A CORS preflight carries no credentials; s3rver's CORS rule answers it.
    if (ctx.method === "OPTIONS") return next();
    const request = { method: ctx.method, url: ctx.req.url ?? "/", headers: ctx.req.headers };
    const refusal = iam ? checkS3Request(iam, request, new Date()) : staticKeyCheck(request, new Date());
    if (!refusal) {
      if (iam) handToS3rverAccount(ctx);
      return next();
    }
    ctx.status = refusal.status;
    ctx.type = "application/xml";
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${escapeXml(refusal.message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
    // The request body (an upload) is not read; the connection must not be reused for the rest of it.
    ctx.set("Connection", "close");
    // S3 sends its CORS headers on errors too, so the SPA can read the 403 instead of seeing a network error.
    if (ctx.req.headers.origin === corsOrigin) {
      ctx.set("Access-Control-Allow-Origin", corsOrigin);
      ctx.set("Vary", "Origin");
    }
  };
}

/**
 * s3rver looks a V4 key up in its own account list (it knows only `S3RVER`)
 * and computes nothing. Once IAM has accepted the request, its key id is
 * swapped for s3rver's built-in one, so s3rver serves it as an authenticated
 * request (response-header overrides such as a download's
 * `response-content-disposition` need that) without a second key list.
 */
function handToS3rverAccount(ctx: S3rverContext): void {
  const builtIn = localS3Credentials.accessKeyId;
  const authorization = ctx.req.headers.authorization;
  if (typeof authorization === "string")
    ctx.req.headers.authorization = authorization.replace(/Credential=[^/,\s]+\//, `Credential=${builtIn}/`);
  else ctx.querystring = ctx.querystring.replace(/(^|&)X-Amz-Credential=[^&]*?(%2F|\/)/i, `$1X-Amz-Credential=${builtIn}$2`);
}

function escapeXml(value: string): string {
  return value.replace(/[<>&]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
