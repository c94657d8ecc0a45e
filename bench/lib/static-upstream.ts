import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface StaticUpstream {
  /** Base URL with a stage path, like the private API's. */
  url: string;
  stop(): Promise<void>;
}

/** A loopback API that answers every request at once with a small JSON body, so only the caller's cost is measured. */
export async function startStaticUpstream(): Promise<StaticUpstream> {
  const body = JSON.stringify({ items: [{ id: "bench-1", title: "A benchmark item", createdAt: "2026-01-01T00:00:00.000Z" }] });
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/local`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
