import { describe, expect, it } from "vitest";
import { BffError, createBffClient } from "../bff.ts";
import { endSession, listSessions } from "./sessions-api.ts";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  credentials: RequestCredentials | undefined;
}

/** A fetch stand-in that records each call and answers with the next queued response. */
function fakeFetch(...responses: Response[]) {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    calls.push({
      url: String(input),
      method: init.method ?? "GET",
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: init.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : undefined,
      credentials: init.credentials,
    });
    const next = responses.shift();
    if (next === undefined) throw new Error("fakeFetch: no response queued");
    return next;
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

const EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const thisBrowser = {
  handle: "h-current_AbC-1",
  createdAt: "2026-03-01T08:00:00.000Z",
  lastActiveAt: "2026-03-01T09:58:00.000Z",
  device: "Chrome on Linux",
  signInMethod: "password_and_code",
  current: true,
};
const phone = {
  handle: "h-phone_XyZ-2",
  createdAt: "2026-02-27T18:00:00.000Z",
  lastActiveAt: "2026-03-01T07:00:00.000Z",
  device: "Safari on iOS",
  signInMethod: "password",
  current: false,
};
const laptop = {
  handle: "h-laptop_QrS-3",
  createdAt: "2026-02-28T10:00:00.000Z",
  lastActiveAt: "2026-03-01T09:00:00.000Z",
  device: "Firefox on Windows",
  signInMethod: "federated",
  current: false,
};

describe("listSessions", () => {
  it("GETs /auth/sessions with X-CSRF, same-origin credentials and no body hash", async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(json(200, { sessions: [thisBrowser] }));
    const client = createBffClient({ fetch });

    // Act
    await listSessions(client);

    // Assess
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: "/auth/sessions", method: "GET", body: undefined, credentials: "same-origin" });
    expect(calls[0]?.headers["x-csrf"]).toBe("1");
    expect(calls[0]?.headers["x-amz-content-sha256"]).toBeUndefined();
  });

  it("returns this browser's session first, then the most recently active, whatever order they came in", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(200, { sessions: [phone, thisBrowser, laptop] }));
    const client = createBffClient({ fetch });

    // Act
    const sessions = await listSessions(client);

    // Assess
    expect(sessions).toEqual([thisBrowser, laptop, phone]);
  });

  it("leaves out entries it cannot use and drops a sign-in method it has no words for", async () => {
    // Prepare
    const { fetch } = fakeFetch(
      json(200, {
        sessions: [
          null,
          "h-1",
          { ...phone, handle: "" },
          { ...phone, handle: 42 },
          { ...phone, createdAt: "yesterday" },
          { ...phone, lastActiveAt: undefined },
          { handle: "h-bare", createdAt: phone.createdAt, lastActiveAt: phone.lastActiveAt },
          { ...laptop, signInMethod: "passkey", current: "yes" },
        ],
      }),
    );
    const client = createBffClient({ fetch });

    // Act
    const sessions = await listSessions(client);

    // Assess
    const { signInMethod: _unknown, ...laptopWithoutMethod } = laptop;
    expect(sessions).toEqual([
      { ...laptopWithoutMethod, current: false },
      { handle: "h-bare", createdAt: phone.createdAt, lastActiveAt: phone.lastActiveAt, device: "", current: false },
    ]);
  });

  it("refuses an answer without a sessions list", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(200, { items: [] }));
    const client = createBffClient({ fetch });

    // Act
    const failure = await listSessions(client).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "invalid_response", message: "The server sent an answer this app cannot read." });
  });

  it("rejects a 401 and tells the session store through the client's listeners, like every other call", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(401, { error: "unauthenticated", message: "No valid session" }));
    const client = createBffClient({ fetch });
    const seen: string[] = [];
    client.onUnauthenticated((error) => seen.push(`${error.status} ${error.code}`));

    // Act
    const failure = await listSessions(client).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: "BffError", status: 401, code: "unauthenticated" });
    expect(seen).toEqual(["401 unauthenticated"]);
  });
});

describe("endSession", () => {
  it("DELETEs /auth/sessions/{handle}, encoded, with X-CSRF and the empty-body hash, and says it ended", async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(new Response(null, { status: 204 }));
    const client = createBffClient({ fetch });

    // Act
    const outcome = await endSession(client, "h/../x?y");

    // Assess
    expect(outcome).toBe("ended");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: "/auth/sessions/h%2F..%2Fx%3Fy", method: "DELETE", body: undefined, credentials: "same-origin" });
    expect(calls[0]?.headers["x-csrf"]).toBe("1");
    expect(calls[0]?.headers["x-amz-content-sha256"]).toBe(EMPTY_BODY_SHA256);
    expect(calls[0]?.headers["content-type"]).toBeUndefined();
  });

  it("says already-ended for a 404, without calling the 401 listeners", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(404, { error: "not_found", message: "No such session" }));
    const client = createBffClient({ fetch });
    const seen: string[] = [];
    client.onUnauthenticated((error) => seen.push(error.code));

    // Act
    const outcome = await endSession(client, phone.handle);

    // Assess
    expect(outcome).toBe("already-ended");
    expect(seen).toEqual([]);
  });

  it("rejects a 401 after telling the session store", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(401, { error: "unauthenticated", message: "No valid session" }));
    const client = createBffClient({ fetch });
    const seen: string[] = [];
    client.onUnauthenticated((error) => seen.push(error.code));

    // Act
    const failure = await endSession(client, phone.handle).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: "BffError", status: 401 });
    expect(seen).toEqual(["unauthenticated"]);
  });

  it("rejects any other failure with the BFF's code and message", async () => {
    // Prepare
    const { fetch } = fakeFetch(json(503, { error: "session_store_unavailable", message: "Sessions are unavailable" }));
    const client = createBffClient({ fetch });

    // Act
    const failure = await endSession(client, phone.handle).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "session_store_unavailable", status: 503, message: "Sessions are unavailable" });
  });
});
