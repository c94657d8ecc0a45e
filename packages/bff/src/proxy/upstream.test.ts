import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ErrorCodes, isAppError } from "@spa-bff/core";
import { afterEach, describe, expect, it } from "vitest";
import { createUpstream } from "./upstream.ts";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  socket: Socket;
  /** This request's position on its connection (1 for the first). */
  onSocket: number;
}

const servers: Server[] = [];

/** A loopback API on port 0 that records every request and answers with `answer`. */
async function startApi(answer: (seen: Seen, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const perSocket = new WeakMap<Socket, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const onSocket = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, onSocket);
      const entry = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
        socket: req.socket,
        onSocket,
      };
      seen.push(entry);
      answer(entry, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { seen, baseUrl: `http://127.0.0.1:${port}/prod` };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const json = (res: ServerResponse, status = 200, headers: Record<string, string | string[]> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end('{"ok":true}');
};

const get = {
  path: "items/7",
  rawQuery: "a=1&b=x%20y",
  method: "GET",
  headers: { accept: "application/json", authorization: "Bearer t" },
  body: undefined,
};

describe("createUpstream (Node's HTTP client)", () => {
  it("sends method, path, raw query and headers, and shapes a text answer with allowlisted headers only", async () => {
    // Prepare
    const api = await startApi((_seen, res) =>
      json(res, 201, { etag: '"v1"', "set-cookie": ["a=1", "b=2"], location: "http://internal/x" }),
    );
    const upstream = createUpstream({ baseUrl: api.baseUrl, timeoutMs: 2000 });
    // Act
    const response = await upstream.call(get);
    // Assess
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]).toMatchObject({ method: "GET", url: "/prod/items/7?a=1&b=x%20y" });
    expect(api.seen[0]?.headers).toMatchObject({ accept: "application/json", authorization: "Bearer t" });
    expect(response).toEqual({
      statusCode: 201,
      headers: { "content-type": "application/json", etag: '"v1"', "cache-control": "no-store" },
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
  });

  it("sends a binary body with its length and passes a binary answer back base64-encoded", async () => {
    // Prepare
    const bytes = Buffer.from([0, 255, 1, 254, 10]);
    const api = await startApi((seen, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "cache-control": "max-age=60" });
      res.end(seen.body);
    });
    const upstream = createUpstream({ baseUrl: api.baseUrl, timeoutMs: 2000 });
    // Act
    const response = await upstream.call({ ...get, method: "PUT", headers: { "content-type": "application/octet-stream" }, body: bytes });
    // Assess
    expect(api.seen[0]?.headers["content-length"]).toBe("5");
    expect(api.seen[0]?.body.equals(bytes)).toBe(true);
    expect(response).toMatchObject({ statusCode: 200, isBase64Encoded: true, body: bytes.toString("base64") });
    expect(response.headers?.["cache-control"]).toBe("max-age=60");
  });

  it("does not follow a redirect", async () => {
    // Prepare
    const api = await startApi((_seen, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:1/elsewhere` });
      res.end();
    });
    const upstream = createUpstream({ baseUrl: api.baseUrl, timeoutMs: 2000 });
    // Act
    const response = await upstream.call(get);
    // Assess
    expect(response.statusCode).toBe(302);
    expect(response.headers).not.toHaveProperty("location");
    expect(api.seen).toHaveLength(1);
  });

  it("reuses its connection for the next call", async () => {
    // Prepare
    const api = await startApi((_seen, res) => json(res));
    const upstream = createUpstream({ baseUrl: api.baseUrl, timeoutMs: 2000 });
    // Act
    await upstream.call(get);
    await upstream.call(get);
    // Assess
    expect(api.seen.map((seen) => seen.onSocket)).toEqual([1, 2]);
    expect(api.seen[1]?.socket).toBe(api.seen[0]?.socket);
  });

  it("sends a GET again on a new connection when the API closed the kept-alive one, but never a POST", async () => {
    // Prepare: the API drops every connection at its second request without answering.
    const api = await startApi((seen, res) => (seen.onSocket > 1 ? seen.socket.destroy() : json(res)));
    const upstream = createUpstream({ baseUrl: api.baseUrl, timeoutMs: 2000 });
    await upstream.call(get);
    // Act
    const retried = await upstream.call(get);
    const post = upstream.call({ ...get, method: "POST", body: Buffer.from("{}") }).catch((error: unknown) => error);
    // Assess
    expect(retried.statusCode).toBe(200);
    expect(api.seen.map((seen) => `${seen.method} ${seen.onSocket}`)).toEqual(["GET 1", "GET 2", "GET 1"]);
    const error = await post;
    expect(isAppError(error) && error.code).toBe(ErrorCodes.upstream);
    expect(api.seen.filter((seen) => seen.method === "POST")).toHaveLength(1);
  });

  it("answers 504 when the whole exchange outlasts the timeout", async () => {
    // Prepare: the API sends its headers, then never finishes the body.
    const api = await startApi((_seen, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("{");
    });
    const upstream = createUpstream({ baseUrl: api.baseUrl, timeoutMs: 100 });
    // Act
    const error = await upstream.call(get).catch((caught: unknown) => caught);
    // Assess
    expect(isAppError(error) && [error.code, error.status]).toEqual([ErrorCodes.upstreamTimeout, 504]);
  });

  it("answers 502 when the API cannot be reached", async () => {
    // Prepare: a port nothing listens on (a server started and closed).
    const api = await startApi((_seen, res) => json(res));
    const closed = servers.pop();
    await new Promise((resolve) => closed?.close(resolve));
    const upstream = createUpstream({ baseUrl: api.baseUrl, timeoutMs: 2000 });
    // Act
    const error = await upstream.call(get).catch((caught: unknown) => caught);
    // Assess
    expect(isAppError(error) && [error.code, error.status]).toEqual([ErrorCodes.upstream, 502]);
  });
});
