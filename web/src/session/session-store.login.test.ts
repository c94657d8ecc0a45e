import { afterEach, describe, expect, it } from "vitest";
import { submitCode, submitPassword } from "../auth/signin-api.ts";
import { createBffClient } from "../bff.ts";
import { createSessionStore, type SessionState, type SessionStore } from "./session-store.ts";

const alice = { sub: "u-alice", name: "Alice Anderson", email: "alice@example.com" };

/** A stand-in BFF with the branded sign-in, reached through the real client over a fetch seam. */
function fakeBff(options: { loggedIn: boolean; login?: "hosted" | "branded" }) {
  const server = { loggedIn: options.loggedIn, sessionCalls: 0 };
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const path = String(input);
    const reply = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    const session = { authenticated: true, user: alice, expiresAt: "2099-01-01T00:00:00.000Z" };
    if (path === "/auth/session") {
      server.sessionCalls += 1;
      return reply(200, server.loggedIn ? session : { authenticated: false, ...(options.login ? { login: options.login } : {}) });
    }
    if (path === "/auth/signin" && init.method === "POST")
      return reply(200, { challenge: "CODE", destination: "a***@example.com", retry: false });
    if (path === "/auth/signin/code" && init.method === "POST") {
      server.loggedIn = true;
      return reply(200, session);
    }
    if (path === "/api/items")
      return server.loggedIn ? reply(200, { items: [] }) : reply(401, { error: "unauthenticated", message: "No valid session" });
    return reply(404, { error: "not_found", message: "Not found" });
  };
  return { server, makeClient: () => createBffClient({ fetch: fetch as typeof globalThis.fetch }) };
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function track<T extends { dispose(): void } | { close(): void }>(thing: T): T {
  cleanups.push(() => ("dispose" in thing ? thing.dispose() : thing.close()));
  return thing;
}

function until(store: SessionStore, predicate: (state: SessionState) => boolean): Promise<SessionState> {
  return new Promise((resolve) => {
    const check = () => {
      const state = store.getSnapshot();
      if (predicate(state)) {
        unsubscribe();
        resolve(state);
      }
    };
    const unsubscribe = store.subscribe(check);
    check();
  });
}

describe("createSessionStore: which login to offer", () => {
  it("offers the login the BFF names when logged out", async () => {
    // Prepare
    const { makeClient } = fakeBff({ loggedIn: false, login: "branded" });
    const store = track(createSessionStore({ client: makeClient() }));
    // Act
    const state = await until(store, (candidate) => candidate.status === "anonymous" && !candidate.refreshing);
    // Assess
    expect(state).toMatchObject({ status: "anonymous", reason: "none", login: "branded" });
  });

  it("falls back to the hosted login when the BFF does not say", async () => {
    // Prepare
    const { makeClient } = fakeBff({ loggedIn: false });
    const store = track(createSessionStore({ client: makeClient() }));
    // Act
    const state = await until(store, (candidate) => candidate.status === "anonymous" && !candidate.refreshing);
    // Assess
    expect(state).toMatchObject({ status: "anonymous", login: "hosted" });
  });

  it("asks which login to offer after a 401 when it was logged in since the page loaded", async () => {
    // Prepare
    const { server, makeClient } = fakeBff({ loggedIn: true, login: "branded" });
    const client = makeClient();
    const store = track(createSessionStore({ client }));
    await until(store, (state) => state.status === "authenticated");
    server.loggedIn = false;
    // Act
    await client.request("GET", "/api/items").catch(() => undefined);
    const state = await until(store, (candidate) => candidate.status === "anonymous" && !candidate.refreshing);
    // Assess
    expect(state).toMatchObject({ status: "anonymous", reason: "expired", login: "branded" });
    expect(server.sessionCalls).toBe(2);
  });

  it("tells the other tabs after a branded sign-in once the store has looked again", async () => {
    // Prepare
    const { makeClient } = fakeBff({ loggedIn: false, login: "branded" });
    const name = `bff-session-test-${crypto.randomUUID()}`;
    const tabA = track(createSessionStore({ client: makeClient(), channel: track(new BroadcastChannel(name)) }));
    const tabB = track(createSessionStore({ client: makeClient(), channel: track(new BroadcastChannel(name)) }));
    await until(tabA, (state) => state.status === "anonymous" && !state.refreshing);
    await until(tabB, (state) => state.status === "anonymous" && !state.refreshing);
    const client = makeClient();
    // Act
    await submitPassword(client, "alice", "correct horse");
    await submitCode(client, "123456");
    await tabA.refresh();
    const other = await until(tabB, (state) => state.status === "authenticated");
    // Assess
    expect(tabA.getSnapshot()).toMatchObject({ status: "authenticated", user: alice });
    expect(other).toMatchObject({ status: "authenticated", user: alice });
  });
});
