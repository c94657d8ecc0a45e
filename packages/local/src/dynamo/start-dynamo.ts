import { mkdir } from "node:fs/promises";
import { createServer, type IncomingMessage, Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { ConfigError, isLoopbackUrl } from "@spa-bff/core";
import dynalite from "dynalite";
import { createDynamoIamProxy } from "../aws/dynamo-iam-proxy.ts";
import type { LocalIam } from "../aws/local-iam.ts";
import { close, listen } from "../http/listen.ts";
import { closeDynaliteIterators } from "./iterator-leak-fix.ts";

export interface StartDynamoOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Defaults to "127.0.0.1"; must be a loopback address (dynalite checks no credentials). */
  readonly host?: string;
  /** Parent folder of the LevelDB store `<dataDir>/dynamodb`, kept between runs; null keeps data in memory. */
  readonly dataDir: string | null;
  /**
   * Check every request as DynamoDB does: its SigV4 signature with this
   * account's keys, and its action on each table or index against the key's
   * grants. The endpoint is then a checking front, and dynalite listens on
   * another loopback port that only the front calls. Without it, dynalite
   * answers directly and accepts any signature.
   */
  readonly iam?: LocalIam;
}

/** A running local DynamoDB (dynalite). */
export interface LocalDynamo {
  /** `http://<host>:<port>`, for `DYNAMODB_ENDPOINT`. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops answering (open connections are cut) but keeps the data, in memory or on disk. */
  stop(): Promise<void>;
  /** Answers again on the same port with the same data. */
  start(): Promise<void>;
}

function endpointFor(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * Starts dynalite as the local DynamoDB, with tables ACTIVE as soon as they
 * are created. Create the tables with {@link ensureTables}.
 *
 * @example
 * const dynamo = await startDynamo({ port: 8000, dataDir: ".local" });
 * await ensureTables(dynamo.endpoint, { Sessions: "local-sessions", Items: "local-items", SignInAttempts: "local-signin-attempts" });
 */
export async function startDynamo(options: StartDynamoOptions): Promise<LocalDynamo> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackUrl(endpointFor(host, 1))) {
    throw new ConfigError(`Invalid local DynamoDB host "${host}". Expected: a loopback address, since dynalite checks no credentials`);
  }
  closeDynaliteIterators();
  let path: string | undefined;
  if (options.dataDir !== null) {
    path = join(options.dataDir, "dynamodb");
    await mkdir(path, { recursive: true, mode: 0o700 });
  }
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
  const iam = options.iam;
  if (iam) return startCheckedDynamo(server, path, host, options.port, iam);
  const port = await listen(server, options.port, host, "Local DynamoDB");
  const stop = () => stopDynalite(server, path);

  return {
    endpoint: endpointFor(host, port),
    port,
    stop,
    start: async () => {
      if (!server.listening) await listen(server, port, host, "Local DynamoDB");
    },
  };
}

/** dynalite on a free loopback port, and the IAM-checking front on the asked one. */
async function startCheckedDynamo(
  server: Server,
  path: string | undefined,
  host: string,
  askedPort: number,
  iam: LocalIam,
): Promise<LocalDynamo> {
  // dynalite still listens (its store opens and closes with its server), but the front hands it requests in process.
  let innerPort = await listen(server, 0, host, "Local DynamoDB (behind IAM)");
  const [dynaliteListener] = server.listeners("request") as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  if (!dynaliteListener) throw new Error("dynalite's server has no request listener");
  const front = createServer(createDynamoIamProxy({ iam, dynalite: dynaliteListener }));
  let port: number;
  try {
    port = await listen(front, askedPort, host, "Local DynamoDB");
  } catch (error) {
    await stopDynalite(server, path);
    throw error;
  }
  return {
    endpoint: endpointFor(host, port),
    port,
    stop: async () => {
      await close(front);
      await stopDynalite(server, path);
    },
    start: async () => {
      if (!server.listening) innerPort = await listen(server, innerPort, host, "Local DynamoDB (behind IAM)");
      if (!front.listening) await listen(front, port, host, "Local DynamoDB");
    },
  };
}

function stopDynalite(server: Server, path: string | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const done = (error?: Error) => (error ? reject(error) : resolve());
    if (path) {
      // dynalite's close() also closes LevelDB (releasing its lock) and its listen() reopens it.
      server.close(done);
    } else {
      // dynalite's close() would drop an in-memory store, so close only the listener.
      Server.prototype.close.call(server, done);
    }
    server.closeAllConnections();
  });
}
