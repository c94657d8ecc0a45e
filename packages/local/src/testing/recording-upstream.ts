import { createServer, type IncomingMessage } from "node:http";
import { close, listen } from "../http/listen.ts";

/** What the upstream API received. */
export interface UpstreamRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/**
 * A loopback API that records every request, standing in for the private
 * API in the proxy's own tests: `/local/hang` never answers, `/local/binary`
 * answers bytes, `/local/missing` a 404, anything else echoes its path with
 * headers the BFF must not pass on (`set-cookie`, `server`).
 */
export interface RecordingUpstream {
  /** The base URL to give the BFF as API_BASE_URL. */
  baseUrl: string;
  requests: UpstreamRequest[];
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** The bytes `/local/binary` answers. */
export const binaryPayload = Buffer.from([0, 1, 2, 253, 254, 255, 10, 13]);

export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const requests: UpstreamRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      if (req.url?.startsWith("/local/hang")) return;
      if (req.url?.startsWith("/local/binary")) {
        res.writeHead(200, { "content-type": "image/png" });
        res.end(binaryPayload);
        return;
      }
      res.writeHead(req.url?.startsWith("/local/missing") ? 404 : 200, {
        "content-type": "application/json",
        "set-cookie": "upstream=1; Path=/",
        etag: '"v1"',
        server: "internal-api",
        "x-request-id": String(req.headers["x-request-id"] ?? ""),
      });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
  });
  const port = await listen(server, 0, "127.0.0.1", "Recording upstream");
  return {
    baseUrl: `http://127.0.0.1:${port}/local`,
    requests,
    stop: () => close(server),
    start: async () => {
      if (!server.listening) await listen(server, port, "127.0.0.1", "Recording upstream");
    },
  };
}
