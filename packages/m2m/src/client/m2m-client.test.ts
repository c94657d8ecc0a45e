import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeOAuth, startFakeOAuth } from "../testing/fake-oauth.ts";
import { M2mApiTimeoutError, M2mTokenError } from "./errors.ts";
import { createM2mClient, type M2mClientOptions } from "./m2m-client.ts";

describe("M2M client", () => {
  let oauth: FakeOAuth;
  let options: M2mClientOptions;

  beforeEach(async () => {
    oauth = await startFakeOAuth();
    options = {
      issuer: oauth.issuer,
      clientId: oauth.clientId,
      clientSecret: oauth.clientSecret,
      scope: "items/read",
      apiBaseUrl: oauth.apiBaseUrl,
    };
  });
  afterEach(() => oauth.close());

  it("calls the API with a bearer token and returns status and parsed body", async () => {
    // Prepare
    const client = createM2mClient(options);
    // Act
    const result = await client.request("GET", "/items");
    // Assess
    expect(result).toEqual({ status: 200, body: { items: [{ id: "1" }, { id: "2" }], path: "/local/items" } });
    expect(oauth.apiRequests()[0]).toMatchObject({ method: "GET", path: "/local/items", token: "token-1" });
  });

  it("shares one token request among 10 concurrent calls", async () => {
    // Prepare
    const client = createM2mClient(options);
    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => client.request("GET", "/items")));
    // Assess
    expect(results.map((result) => result.status)).toEqual(Array(10).fill(200));
    expect(oauth.tokenRequests()).toBe(1);
  });

  it("reuses the cached token while it is fresh", async () => {
    const client = createM2mClient(options);
    await client.request("GET", "/items");
    await client.request("GET", "/items");
    expect(oauth.tokenRequests()).toBe(1);
  });

  it("renews a token shortly before it expires", async () => {
    // Prepare
    let now = 1_000_000;
    oauth.expiresIn = 60;
    const client = createM2mClient({ ...options, clock: () => now, refreshSkewSeconds: 10 });
    await client.request("GET", "/items");
    // Act
    now += 49_000;
    await client.request("GET", "/items");
    const beforeRenewal = oauth.tokenRequests();
    now += 2_000;
    await client.request("GET", "/items");
    // Assess
    expect(beforeRenewal).toBe(1);
    expect(oauth.tokenRequests()).toBe(2);
    expect(oauth.apiRequests().map((request) => request.token)).toEqual(["token-1", "token-1", "token-2"]);
  });

  it("retries once with a fresh token when the API answers 401", async () => {
    // Prepare
    const client = createM2mClient(options);
    await client.request("GET", "/items");
    oauth.revoke("token-1");
    // Act
    const result = await client.request("GET", "/items");
    // Assess
    expect(result.status).toBe(200);
    expect(oauth.apiRequests().map((request) => request.token)).toEqual(["token-1", "token-1", "token-2"]);
  });

  it("retries only once when the API keeps answering 401, and returns that 401", async () => {
    // Prepare
    const client = createM2mClient(options);
    // Act
    const result = await client.request("GET", "/always-401");
    // Assess
    expect(result).toEqual({ status: 401, body: { message: "Unauthorized" } });
    expect(oauth.apiRequests().map((request) => request.token)).toEqual(["token-1", "token-2"]);
    expect(oauth.tokenRequests()).toBe(2);
  });

  it("sends a JSON body with a content type", async () => {
    const client = createM2mClient(options);
    await client.request("post", "/items", { title: "from a machine" });
    expect(oauth.apiRequests()[0]).toMatchObject({ method: "POST", body: '{"title":"from a machine"}' });
  });

  it("says the token endpoint failed when it is down, without the secret", async () => {
    // Prepare
    oauth.tokenMode = "down";
    const client = createM2mClient(options);
    // Act
    const error = await client.request("GET", "/items").catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(M2mTokenError);
    expect(error).toMatchObject({ code: "idp_unavailable", status: 502 });
    expect((error as Error).message).toMatch(new RegExp(`^Token request to "${oauth.issuer}/token" failed`));
    expect((error as Error).message).not.toContain(oauth.clientSecret);
    expect(oauth.apiRequests()).toHaveLength(0);
  });

  it("names the OAuth error when the client is refused", async () => {
    oauth.tokenMode = "invalid_client";
    const client = createM2mClient(options);
    const error = await client.request("GET", "/items").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(M2mTokenError);
    expect((error as Error).message).toBe(`Token request to "${oauth.issuer}/token" failed: invalid_client (HTTP 401)`);
  });

  it("says discovery failed when nothing listens at the issuer", async () => {
    // Prepare
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const issuer = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = createM2mClient({ ...options, issuer });
    // Act
    const error = await client.request("GET", "/items").catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(M2mTokenError);
    expect((error as Error).message).toMatch(new RegExp(`^Discovery of issuer "${issuer}" failed`));
  });

  it("recovers after the token endpoint comes back", async () => {
    oauth.tokenMode = "down";
    const client = createM2mClient(options);
    await expect(client.request("GET", "/items")).rejects.toBeInstanceOf(M2mTokenError);
    oauth.tokenMode = "ok";
    await expect(client.request("GET", "/items")).resolves.toMatchObject({ status: 200 });
  });

  it("gives an M2mApiTimeoutError with upstream_timeout when the API does not answer in time", async () => {
    // Prepare
    oauth.apiHangs = true;
    const client = createM2mClient({ ...options, timeoutMs: 300 });
    // Act
    const error = await client.request("GET", "/items").catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(M2mApiTimeoutError);
    expect(error).toMatchObject({
      code: "upstream_timeout",
      status: 504,
      message: `API request GET ${oauth.apiBaseUrl}/items timed out after 300 ms`,
    });
  });

  it("refuses a non-loopback http issuer and a path without a leading slash", async () => {
    expect(() => createM2mClient({ ...options, issuer: "http://idp.example.com" })).toThrow(
      new TypeError('"issuer" must be an https URL (http only on loopback)'),
    );
    await expect(createM2mClient(options).request("GET", "items")).rejects.toThrow(new TypeError('"path" must start with a single "/"'));
  });
});
