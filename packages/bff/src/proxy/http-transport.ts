import http from "node:http";
import https from "node:https";
import { type Transport, TransportTimeout } from "./transport.ts";

/** Methods a retry on a fresh connection cannot apply twice. */
const safeMethods = new Set(["GET", "HEAD"]);

/**
 * A {@link Transport} on Node's own `http`/`https` client with one keep-alive
 * agent per instance, so warm calls reuse their connection to the API. It costs
 * a fraction of the CPU of `fetch` per call (no WHATWG streams, `Headers` or
 * `AbortSignal`), which is most of the proxy's own cost on a small Lambda.
 *
 * A kept-alive connection may have been closed by the API while the instance
 * was idle or frozen: a GET or HEAD that fails with `ECONNRESET` on a reused
 * socket is sent once more on a new one, as Node's documentation advises; any
 * other method fails with a 502, since the API may have acted on it.
 * @see https://nodejs.org/api/http.html#requestreusedsocket
 */
export function createHttpTransport(): Transport {
  const agents = {
    "http:": new http.Agent({ keepAlive: true }),
    "https:": new https.Agent({ keepAlive: true }),
  };
  const send: Transport = (request) =>
    new Promise((resolve, reject) => {
      const secure = request.url.protocol === "https:";
      const client = secure ? https : http;
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const req = client.request(
        request.url,
        {
          method: request.method,
          agent: secure ? agents["https:"] : agents["http:"],
          headers: request.body ? { ...request.headers, "content-length": String(request.body.length) } : request.headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", fail);
          res.on("end", () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({
              status: res.statusCode ?? 502,
              headers: res.headers,
              body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
            });
          });
        },
      );
      const timer = setTimeout(() => {
        const error = new TransportTimeout(`no answer within ${request.timeoutMs} ms`);
        fail(error);
        req.destroy(error);
      }, request.timeoutMs);
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (!settled && req.reusedSocket && error.code === "ECONNRESET" && safeMethods.has(request.method)) {
          settled = true;
          clearTimeout(timer);
          send(request).then(resolve, reject);
          return;
        }
        fail(error);
      });
      req.end(request.body);
    });
  return send;
}
