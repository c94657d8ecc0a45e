import { describe, expect, it } from "vitest";
import { BffError, createBffClient, safeReturnTo, sha256Hex } from "./bff.ts";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  credentials: RequestCredentials | undefined;
}

/** A fetch stand-in that records each call and answers with the next queued response. */
function fakeFetch(...responses: Array<Response | Error>) {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const body = init.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : undefined;
    calls.push({
      url: String(input),
      method: init.method ?? "GET",
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body,
      credentials: init.credentials,
    });
    const next = responses.shift();
    if (next === undefined) throw new Error("fakeFetch: no response queued");
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

describe("createBffClient: request", () => {
  it("sends X-CSRF and same-origin credentials on every call", async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(json(200, { items: [] }));
    const client = createBffClient({ fetch });

    // Act
    await client.request("GET", "/api/items");

    // Assess
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe("/api/items");
    expect(calls[0]?.headers["x-csrf"]).toBe("1");
    expect(calls[0]?.credentials).toBe("same-origin");
    expect(calls[0]?.headers["x-amz-content-sha256"]).toBeUndefined();
  });

  it("sends the hex SHA-256 of the exact body bytes in x-amz-content-sha256", async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(json(201, { id: "1", title: "Tea ☕", createdAt: "2026-01-01T00:00:00Z" }));
    const client = createBffClient({ fetch });

    // Act
    await client.request("POST", "/api/items", { title: "Tea ☕" });

    // Assess
    const sent = calls[0];
    expect(sent?.body).toBe('{"title":"Tea ☕"}');
    expect(sent?.headers["content-type"]).toBe("application/json");
    // sha256 of the UTF-8 bytes of {"title":"Tea ☕"}, computed independently with `sha256sum`.
    expect(sent?.headers["x-amz-content-sha256"]).toBe("49fa7851e266ad406030b759d91f6b8e69bd41bce39d6b7a3f25e3d23ed4e732");
  });

  it("sends the empty-body hash on a write without a body, as CloudFront OAC expects", async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(new Response(null, { status: 204 }));
    const client = createBffClient({ fetch });

    // Act
    const result = await client.request("DELETE", "/api/items/abc");

    // Assess
    expect(result).toBeUndefined();
    expect(calls[0]?.body).toBeUndefined();
    expect(calls[0]?.headers["x-amz-content-sha256"]).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("turns a JSON error body into a BffError with code, status, message and field errors", async () => {
    // Prepare
    const { fetch } = fakeFetch(
      json(400, {
        error: "validation_failed",
        message: "The item is not valid",
        details: { fields: { title: "Must be 1 to 200 characters" } },
      }),
    );
    const client = createBffClient({ fetch });

    // Act
    const failure = await client.request("POST", "/api/items", { title: "" }).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({
      name: "BffError",
      code: "validation_failed",
      status: 400,
      message: "The item is not valid",
      fieldErrors: { title: "Must be 1 to 200 characters" },
    });
  });

  it("gives a readable message, not the gateway's wording, for an error without a code", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(403, { message: "The request signature we calculated does not match the signature you provided." }));
    const client = createBffClient({ fetch });

    // Act
    const failure = await client.request("POST", "/api/items", { title: "x" }).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "http_403", status: 403, message: "This request was refused.", fieldErrors: {} });
  });

  it("types an HTML 502 from a proxy without reading its body into the message", async () => {
    // Prepare
    const { fetch } = fakeFetch(new Response("<html>Bad gateway</html>", { status: 502, headers: { "content-type": "text/html" } }));
    const client = createBffClient({ fetch });

    // Act
    const failure = await client.request("GET", "/api/items").catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "http_502", status: 502, message: "The service is unavailable right now. Please try again." });
  });

  it("reports an unreachable server as network_error with status 0", async () => {
    // Prepare
    const { fetch } = fakeFetch(new TypeError("fetch failed"));
    const client = createBffClient({ fetch });

    // Act
    const failure = await client.request("GET", "/api/items").catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({
      code: "network_error",
      status: 0,
      message: "Could not reach the server. Check your connection and try again.",
    });
  });

  it("tells every unauthenticated listener about a 401, and stops after unsubscribing", async () => {
    // Prepare
    const { fetch } = fakeFetch(
      json(401, { error: "session_expired", message: "Your session has expired" }),
      json(401, { error: "unauthenticated", message: "No valid session" }),
    );
    const client = createBffClient({ fetch });
    const seen: string[] = [];
    const unsubscribe = client.onUnauthenticated((error) => seen.push(error.code));

    // Act
    const first = await client.request("GET", "/api/items").catch((error: unknown) => error);
    unsubscribe();
    await client.request("GET", "/api/items").catch(() => undefined);

    // Assess
    expect(first).toMatchObject({ name: "BffError", code: "session_expired", status: 401, message: "Your session has expired" });
    expect(seen).toEqual(["session_expired"]);
  });

  it("does not call unauthenticated listeners for a 403", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(403, { error: "csrf_required", message: 'The "X-CSRF: 1" header is required' }));
    const client = createBffClient({ fetch });
    const seen: string[] = [];
    client.onUnauthenticated((error) => seen.push(error.code));

    // Act
    await client.request("GET", "/api/items").catch(() => undefined);

    // Assess
    expect(seen).toEqual([]);
  });
});

describe("createBffClient: session, login and logout", () => {
  it("returns the session as the BFF describes it", async () => {
    // Prepare
    const body = {
      authenticated: true,
      user: { sub: "u-1", name: "Alice Anderson", email: "alice@example.com" },
      expiresAt: "2026-01-01T10:00:00Z",
    };
    const { fetch, calls } = fakeFetch(json(200, body));
    const client = createBffClient({ fetch });

    // Act
    const session = await client.session();

    // Assess
    expect(session).toEqual(body);
    expect(calls[0]).toMatchObject({ url: "/auth/session", method: "GET" });
  });

  it.each([
    ["password", "password"],
    ["password_and_code", "password_and_code"],
    ["federated", "federated"],
  ])("passes on the sign-in method %s", async (sent, kept) => {
    // Prepare
    const { fetch } = fakeFetch(
      json(200, { authenticated: true, user: { sub: "u-1" }, expiresAt: "2026-01-01T10:00:00Z", signInMethod: sent }),
    );
    const client = createBffClient({ fetch });

    // Act
    const session = await client.session();

    // Assess
    expect(session).toEqual({ authenticated: true, user: { sub: "u-1" }, expiresAt: "2026-01-01T10:00:00Z", signInMethod: kept });
  });

  it.each([
    ["absent (an older BFF)", {}],
    ["unknown to this build", { signInMethod: "passkey" }],
    ["not a string", { signInMethod: 7 }],
  ])("reads a session whose sign-in method is %s, without one", async (_case, extra) => {
    // Prepare
    const { fetch } = fakeFetch(json(200, { authenticated: true, user: { sub: "u-1" }, expiresAt: "2026-01-01T10:00:00Z", ...extra }));
    const client = createBffClient({ fetch });

    // Act
    const session = await client.session();

    // Assess
    expect(session).toEqual({ authenticated: true, user: { sub: "u-1" }, expiresAt: "2026-01-01T10:00:00Z" });
  });

  it("refuses a session answer it cannot read", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(200, { authenticated: true }));
    const client = createBffClient({ fetch });

    // Act
    const failure = await client.session().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "invalid_response", message: "The server sent an answer this app cannot read." });
  });

  it("navigates to /auth/login with an encoded same-origin returnTo", () => {
    // Prepare
    const visited: string[] = [];
    const client = createBffClient({ fetch: fakeFetch().fetch, navigate: (url) => visited.push(url) });

    // Act
    client.login("/items?filter=open&x=1");
    client.login("//evil.example/steal");
    client.login("https://evil.example/");

    // Assess
    expect(visited).toEqual([
      "/auth/login?returnTo=%2Fitems%3Ffilter%3Dopen%26x%3D1",
      "/auth/login?returnTo=%2F",
      "/auth/login?returnTo=%2F",
    ]);
  });

  it("posts to /auth/logout and then navigates to the returned end-session URL", async () => {
    // Prepare
    const logoutUrl = "http://127.0.0.1:3001/session/end?client_id=local-web&post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A3000%2F";
    const { fetch, calls } = fakeFetch(json(200, { logoutUrl }));
    const visited: string[] = [];
    const client = createBffClient({ fetch, navigate: (url) => visited.push(url) });

    // Act
    await client.logout();

    // Assess
    expect(calls[0]).toMatchObject({ url: "/auth/logout", method: "POST" });
    expect(calls[0]?.headers["x-csrf"]).toBe("1");
    expect(calls[0]?.headers["x-amz-content-sha256"]).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(visited).toEqual([logoutUrl]);
  });

  it('logs out everywhere with the JSON body {"everywhere":true}, its hash, and then follows the logoutUrl', async () => {
    // Prepare
    const logoutUrl = "http://127.0.0.1:3001/session/end?client_id=local-web";
    const { fetch, calls } = fakeFetch(json(200, { logoutUrl }));
    const visited: string[] = [];
    const client = createBffClient({ fetch, navigate: (url) => visited.push(url) });

    // Act
    await client.logout({ everywhere: true });

    // Assess
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: "/auth/logout", method: "POST", body: '{"everywhere":true}', credentials: "same-origin" });
    expect(calls[0]?.headers).toMatchObject({
      "x-csrf": "1",
      "content-type": "application/json",
      // sha256 of the 19 bytes {"everywhere":true}, computed independently with `sha256sum`.
      "x-amz-content-sha256": "ffe90197175ddf02f914c3a1893485233c63dd5a02a2a5690ad51bb445882583",
    });
    expect(visited).toEqual([logoutUrl]);
  });

  it("stays and throws when logging out everywhere meets a 401: with no session here, nothing else was ended", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(401, { error: "unauthenticated", message: "No valid session" }));
    const visited: string[] = [];
    const client = createBffClient({ fetch, navigate: (url) => visited.push(url) });
    const seen: string[] = [];
    client.onUnauthenticated((error) => seen.push(error.code));

    // Act
    const failure = await client.logout({ everywhere: true }).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "unauthenticated", status: 401 });
    expect(seen).toEqual(["unauthenticated"]);
    expect(visited).toEqual([]);
  });

  it("goes home after a plain logout that meets a 401: there was nothing to end", async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(json(401, { error: "unauthenticated", message: "No valid session" }));
    const visited: string[] = [];
    const client = createBffClient({ fetch, navigate: (url) => visited.push(url) });

    // Act
    await client.logout();

    // Assess
    expect(calls[0]?.body).toBeUndefined();
    expect(visited).toEqual(["/"]);
  });

  it("never follows a logoutUrl that is not http(s)", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(200, { logoutUrl: "javascript:alert(1)" }));
    const visited: string[] = [];
    const client = createBffClient({ fetch, navigate: (url) => visited.push(url) });

    // Act
    await client.logout();

    // Assess
    expect(visited).toEqual(["/"]);
  });

  it("stays on the page and throws when logout fails upstream", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(502, { error: "session_store_unavailable", message: "The session store is unavailable" }));
    const visited: string[] = [];
    const client = createBffClient({ fetch, navigate: (url) => visited.push(url) });

    // Act
    const failure = await client.logout().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "session_store_unavailable", status: 502, message: "The session store is unavailable" });
    expect(visited).toEqual([]);
  });
});

describe("safeReturnTo", () => {
  it.each([
    ["/", "/"],
    ["/items?x=1#top", "/items?x=1#top"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example/", "/"],
    ["javascript:alert(1)", "/"],
    ["/a\nb", "/"],
    ["", "/"],
    [null, "/"],
  ])("maps %j to %j", (input, expected) => {
    // Act
    const result = safeReturnTo(input);

    // Assess
    expect(result).toBe(expected);
  });
});

describe("sha256Hex", () => {
  it('gives the FIPS 180-2 test vector for "abc"', async () => {
    // Act
    const hex = await sha256Hex(new TextEncoder().encode("abc"));

    // Assess
    expect(hex).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("hashes UTF-8 bytes, not UTF-16 code units", async () => {
    // Act
    const hex = await sha256Hex(new TextEncoder().encode("Ünïcödé body"));

    // Assess
    expect(hex).toBe("899371c36122f584f3b8bbe355fbf45aff47a0e9ede976f61f1fa7650b5f3622");
  });
});
