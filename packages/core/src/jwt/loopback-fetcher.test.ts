import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FetchError, NonRetryableFetchError } from "aws-jwt-verify/error";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoopbackFetcher } from "./loopback-fetcher.ts";

describe("LoopbackFetcher", () => {
  let server: Server;
  let base = "";
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.url ?? "");
      if (request.url === "/jwks") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end('{"keys":[]}');
      } else if (request.url === "/moved") {
        response.writeHead(302, { location: "/jwks" });
        response.end();
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  );

  it("fetches a document from a loopback URI over plain http", async () => {
    const body = await new LoopbackFetcher().fetch(`${base}/jwks`);

    expect(new TextDecoder().decode(body)).toBe('{"keys":[]}');
  });

  it("refuses to fetch anything but loopback URIs over http, without a request", async () => {
    const outcome = new LoopbackFetcher().fetch("http://idp.example.com/jwks");

    await expect(outcome).rejects.toBeInstanceOf(NonRetryableFetchError);
    await expect(outcome).rejects.toThrow("Refusing a non-loopback URI in the loopback fetcher");
  });

  it("reports a non-200 answer as a non-retryable fetch error", async () => {
    const outcome = new LoopbackFetcher().fetch(`${base}/nope`);

    await expect(outcome).rejects.toBeInstanceOf(NonRetryableFetchError);
    await expect(outcome).rejects.toThrow("Status code is 404, expected 200");
  });

  it("does not follow a redirect (it could leave the loopback interface)", async () => {
    const before = seen.filter((url) => url === "/jwks").length;

    const outcome = new LoopbackFetcher().fetch(`${base}/moved`);

    await expect(outcome).rejects.toBeInstanceOf(FetchError);
    expect(seen.filter((url) => url === "/jwks").length).toBe(before);
  });

  it("reports an unreachable port as a (retryable) fetch error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const outcome = new LoopbackFetcher().fetch(`http://127.0.0.1:${port}/jwks`);

    await expect(outcome).rejects.toBeInstanceOf(FetchError);
    await expect(outcome).rejects.not.toBeInstanceOf(NonRetryableFetchError);
  });
});
