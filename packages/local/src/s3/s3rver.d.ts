/** The part of s3rver's API (it ships no type declarations) that the local platform uses. */
declare module "s3rver" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  import type { AddressInfo } from "node:net";

  export interface S3rverBucket {
    name: string;
    /** CORSConfiguration or WebsiteConfiguration XML documents. */
    configs?: Array<string | Buffer>;
  }

  export interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    /** Folder of the filesystem store. */
    directory?: string;
    resetOnClose?: boolean;
    /** Accept requests whose signature does not match (never set here). */
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: S3rverBucket[];
  }

  /** The slice of a Koa context the local verifier reads and writes. */
  export interface S3rverContext {
    req: IncomingMessage;
    res: ServerResponse;
    method: string;
    /** The raw query string (without `?`); setting it rewrites the request's URL. */
    querystring: string;
    status: number;
    type: string;
    body: unknown;
    set(field: string, value: string): void;
  }

  export type S3rverMiddleware = (ctx: S3rverContext, next: () => Promise<void>) => Promise<void> | void;

  /** A Koa application speaking the S3 API; `middleware` is Koa's own stack. */
  export default class S3rver {
    constructor(options?: S3rverOptions);
    middleware: S3rverMiddleware[];
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    /** Creates the configured buckets (what run() does before it listens). */
    configureBuckets(): Promise<void>;
    /** The Koa request handler, to mount on a server of our own. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
