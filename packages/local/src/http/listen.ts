import type { Server as HttpServer } from "node:http";
import type { Server } from "node:net";

/** A local part's HTTP server, which tests can take away and bring back on the same port. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops answering; open connections are cut. */
  stop(): Promise<void>;
  /** Answers again on the same port. */
  start(): Promise<void>;
}

/**
 * Listens and resolves with the bound port. A taken port rejects with a
 * message naming it, so `npm start` tells the developer what to change
 * instead of printing a bare EADDRINUSE stack.
 */
export function listen(server: Server, port: number, host: string, label: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(listenError(error, port, host, label));
    };
    const onListening = () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** The error for a server that could not listen, naming the part (`label`), the port and the host. */
function listenError(error: NodeJS.ErrnoException, port: number, host: string, label: string): Error {
  if (error.code === "EADDRINUSE") {
    return new Error(`${label}: port ${port} on ${host} is already in use (EADDRINUSE); stop the other process or choose another port`, {
      cause: error,
    });
  }
  return new Error(`${label}: cannot listen on ${host}:${port} (${error.code ?? error.message})`, { cause: error });
}

/** Closes the server and the keep-alive sockets it holds, so stop() does not hang on idle clients. */
export function close(server: HttpServer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** Thrown by {@link readBody} when the body passes the limit. */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
}

/** Reads a request body into memory, stopping as soon as it passes `limit` bytes. */
export function readBody(
  request: NodeJS.ReadableStream & { headers: Record<string, string | string[] | undefined> },
  limit: number,
): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.reject(new BodyTooLargeError(`Body of ${declared} bytes exceeds ${limit}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    request.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new BodyTooLargeError(`Body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    request.on("error", (error) => {
      if (!done) {
        done = true;
        reject(error);
      }
    });
  });
}
