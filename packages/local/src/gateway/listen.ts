import type { Server } from "node:http";

/**
 * Listens and resolves with the bound port. A taken port rejects with a
 * message naming it, so `npm start` tells the developer what to change
 * instead of printing a bare EADDRINUSE stack.
 */
export function listen(server: Server, port: number, host: string, label: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (error.code === "EADDRINUSE") {
        reject(
          new Error(`${label}: port ${port} on ${host} is already in use (EADDRINUSE); stop the other process or choose another port`, {
            cause: error,
          }),
        );
      } else {
        reject(new Error(`${label}: cannot listen on ${host}:${port} (${error.code ?? error.message})`, { cause: error }));
      }
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

/** Closes the server and the keep-alive sockets it holds, so stop() does not hang on idle clients. */
export function close(server: Server): Promise<void> {
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
