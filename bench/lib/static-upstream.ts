import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface StaticUpstream {
  /** Base URL with a stage path, like the private API's. */
  url: string;
  /** `GET` answers `{"requests":n}`: the requests served so far, not counting this one (the warm worker reads it across processes). */
  countUrl: string;
  stop(): Promise<void>;
}

const countPath = "/__bench/requests";

/** A loopback API that answers every request at once with a small JSON body, so only the caller's cost is measured. */
export async function startStaticUpstream(): Promise<StaticUpstream> {
  const body = JSON.stringify({ items: [{ id: "bench-1", title: "A benchmark item", createdAt: "2026-01-01T00:00:00.000Z" }] });
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url === countPath) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ requests }));
        return;
      }
      requests += 1;
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/local`,
    countUrl: `http://127.0.0.1:${port}${countPath}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
