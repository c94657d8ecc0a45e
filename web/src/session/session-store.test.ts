import { afterEach, describe, expect, it, vi } from "vitest";
import { type BffClient, BffError, createBffClient } from "../bff.ts";
import { type ActivityKind, createSessionStore, type SessionState, type SessionStore } from "./session-store.ts";

const alice = { sub: "u-alice", name: "Alice Anderson", email: "alice@example.com" };

/** A stand-in BFF with one shared session, reached through the real client over a fetch seam. */
function fakeBff(options: { loggedIn: boolean; expiresAt?: string }) {
  const server = {
    loggedIn: options.loggedIn,
    sessionCalls: 0,
    failSession: null as number | null,
    /** While set, `/auth/session` answers (as of when it was asked) only once it settles: an answer still on its way. */
    sessionGate: null as Promise<void> | null,
  };
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const path = String(input);
    const method = init.method ?? "GET";
    const reply = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    if (path === "/auth/session" && method === "GET") {
      server.sessionCalls += 1;
      if (server.failSession !== null)
        return reply(server.failSession, { error: "session_store_unavailable", message: "Sessions are unavailable" });
      // The answer is what the session was when the call arrived, even if it reaches the tab later.
      const answer = reply(
        200,
        server.loggedIn
          ? { authenticated: true, user: alice, expiresAt: options.expiresAt ?? "2099-01-01T00:00:00.000Z" }
          : { authenticated: false },
      );
      if (server.sessionGate) await server.sessionGate;
      return answer;
    }
    if (path === "/auth/logout" && method === "POST") {
      server.loggedIn = false;
      return reply(200, { logoutUrl: "http://idp.test/logout" });
    }
    if (path === "/api/items") {
      return server.loggedIn ? reply(200, { items: [] }) : reply(401, { error: "unauthenticated", message: "No valid session" });
    }
    return reply(404, { error: "not_found", message: "Not found" });
  };
  const navigations: string[] = [];
  const makeClient = (): BffClient =>
    createBffClient({ fetch: fetch as typeof globalThis.fetch, navigate: (url) => navigations.push(url) });
  return { server, makeClient, navigations };
}

/** Tab B on its channel, settled, and a channel on which the test speaks as tab A. */
async function tabBesideSender(makeClient: () => BffClient): Promise<{ sender: BroadcastChannel; tabB: SessionStore }> {
  const name = `bff-session-test-${crypto.randomUUID()}`;
  const sender = track(new BroadcastChannel(name));
  const tabB = track(createSessionStore({ client: makeClient(), channel: track(new BroadcastChannel(name)) }));
  await until(tabB, settled);
  return { sender, tabB };
}

/** Holds every `/auth/session` answer (each as of when it was asked) until the returned function is called. */
function holdSessionAnswers(server: { sessionGate: Promise<void> | null }): () => void {
  let release: () => void = () => undefined;
  server.sessionGate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => release();
}

/** A manual activity source: the test decides when the page "gets focus" or "comes back from the bfcache". */
function manualActivity() {
  let listener: ((kind: ActivityKind) => void) | undefined;
  return {
    source: {
      subscribe(onActive: (kind: ActivityKind) => void) {
        listener = onActive;
        return () => {
          listener = undefined;
        };
      },
    },
    fire(kind: ActivityKind) {
      listener?.(kind);
    },
  };
}

/** Resolves with the first state that matches; rejects never, the test timeout bounds it. */
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

const settled = (state: SessionState) => (state.status === "authenticated" || state.status === "anonymous") && !state.refreshing;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  vi.useRealTimers();
});

/** Keeps the store subscribed for the whole test, as the mounted app does. */
function mount(store: SessionStore): SessionStore {
  cleanups.push(store.subscribe(() => undefined));
  return store;
}

function track<T extends { dispose(): void } | { close(): void }>(thing: T): T {
  cleanups.push(() => ("dispose" in thing ? thing.dispose() : thing.close()));
  return thing;
}

describe("createSessionStore", () => {
  it("asks the BFF once however many components subscribe", async () => {
    // Prepare
    const { server, makeClient } = fakeBff({ loggedIn: true });
    const store = track(createSessionStore({ client: makeClient() }));

    // Act
    const unsubscribers = [store.subscribe(() => undefined), store.subscribe(() => undefined), store.subscribe(() => undefined)];
    const state = await until(store, settled);
    const callsForThreeSubscribers = server.sessionCalls;
    await Promise.all([store.refresh(), store.refresh()]);
    for (const unsubscribe of unsubscribers) unsubscribe();

    // Assess
    expect(state).toMatchObject({ status: "authenticated", user: alice });
    expect(callsForThreeSubscribers).toBe(1);
    expect(server.sessionCalls).toBe(2);
  });

  it("polls on its interval while subscribed, and not after the last subscriber leaves", async () => {
    // Prepare
    vi.useFakeTimers();
    const { server, makeClient } = fakeBff({ loggedIn: true });
    const store = track(createSessionStore({ client: makeClient(), pollMs: 60_000 }));
    const unsubscribe = store.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(0);

    // Act
    await vi.advanceTimersByTimeAsync(60_000);
    const whileSubscribed = server.sessionCalls;
    unsubscribe();
    await vi.advanceTimersByTimeAsync(180_000);

    // Assess
    expect(whileSubscribed).toBe(2);
    expect(server.sessionCalls).toBe(2);
  });

  it("looks again when the session's own expiry passes", async () => {
    // Prepare
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-01-01T10:00:00.000Z"));
    const { server, makeClient } = fakeBff({ loggedIn: true, expiresAt: "2026-01-01T10:05:00.000Z" });
    const store = track(createSessionStore({ client: makeClient(), pollMs: 3_600_000 }));
    store.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    server.loggedIn = false;

    // Act
    await vi.advanceTimersByTimeAsync(5 * 60_000 + 1_000);

    // Assess
    expect(store.getSnapshot()).toMatchObject({ status: "anonymous", reason: "expired" });
  });

  it("turns logged out with reason expired when any call gets a 401", async () => {
    // Prepare
    const { server, makeClient } = fakeBff({ loggedIn: true });
    const client = makeClient();
    const store = track(createSessionStore({ client }));
    await until(store, (state) => state.status === "authenticated");
    server.loggedIn = false;

    // Act
    const failure = await client.request("GET", "/api/items").catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "unauthenticated", status: 401, message: "No valid session" });
    expect(store.getSnapshot()).toMatchObject({ status: "anonymous", reason: "expired", error: null });
  });

  it("keeps the signed-in state and shows the error when a poll fails", async () => {
    // Prepare
    const { server, makeClient } = fakeBff({ loggedIn: true });
    const store = track(createSessionStore({ client: makeClient() }));
    await until(store, settled);
    server.failSession = 503;

    // Act
    await store.refresh();

    // Assess
    const state = store.getSnapshot();
    expect(state).toMatchObject({ status: "authenticated", user: alice, refreshing: false });
    expect(state.status === "authenticated" ? state.error : null).toMatchObject({ code: "session_store_unavailable", status: 503 });
  });

  it("shows an error state when the first session check fails", async () => {
    // Prepare
    const { server, makeClient } = fakeBff({ loggedIn: true });
    server.failSession = 502;
    const store = track(createSessionStore({ client: makeClient() }));

    // Act
    const state = await until(store, (candidate) => candidate.status === "error");

    // Assess
    expect(state.status === "error" ? state.error : null).toMatchObject({
      name: "BffError",
      code: "session_store_unavailable",
      status: 502,
      message: "Sessions are unavailable",
    });
  });

  it("logs out at the BFF, navigates to the end-session URL and tells the other tabs", async () => {
    // Prepare
    const { server, makeClient, navigations } = fakeBff({ loggedIn: true });
    const name = `bff-session-test-${crypto.randomUUID()}`;
    const tabA = track(createSessionStore({ client: makeClient(), channel: track(new BroadcastChannel(name)) }));
    const tabB = track(createSessionStore({ client: makeClient(), channel: track(new BroadcastChannel(name)) }));
    await until(tabA, settled);
    await until(tabB, settled);

    // Act
    await tabA.logout();
    const other = await until(tabB, (state) => state.status === "anonymous" && !state.refreshing);

    // Assess
    expect(server.loggedIn).toBe(false);
    expect(navigations).toEqual(["http://idp.test/logout"]);
    expect(tabA.getSnapshot()).toEqual({ status: "signing-out" });
    expect(other).toMatchObject({ status: "anonymous", reason: "elsewhere" });
  });

  it("says the other tab logged out even when its own check saw the session gone just before the message", async () => {
    // Prepare: tab B re-checks (as on focus) after the logout at the BFF but before tab A's message arrives
    const { server, makeClient } = fakeBff({ loggedIn: true });
    const { sender, tabB } = await tabBesideSender(makeClient);
    server.loggedIn = false;
    await tabB.refresh();
    const raced = tabB.getSnapshot();

    // Act
    sender.postMessage({ type: "logout" });
    const told = await until(tabB, (state) => state.status === "anonymous" && state.reason === "elsewhere");

    // Assess
    expect(raced).toMatchObject({ status: "anonymous", reason: "expired" });
    expect(told).toMatchObject({ status: "anonymous", reason: "elsewhere" });
  });

  it("says the other tab logged out when the message comes while its own check still waits for the BFF", async () => {
    // Prepare: tab B's check (as on focus) has asked the BFF, which has not answered yet
    const { server, makeClient } = fakeBff({ loggedIn: true });
    const { sender, tabB } = await tabBesideSender(makeClient);
    server.loggedIn = false;
    const answer = holdSessionAnswers(server);
    const check = tabB.refresh();

    // Act: tab A's message arrives first, then the BFF's answer to B's own check
    sender.postMessage({ type: "logout" });
    const told = await until(tabB, (state) => state.status === "anonymous");
    answer();
    await check;

    // Assess
    expect(told).toMatchObject({ status: "anonymous", reason: "elsewhere" });
    expect(tabB.getSnapshot()).toMatchObject({ status: "anonymous", reason: "elsewhere", refreshing: false });
  });

  it("does not go back to logged in on an answer that left the BFF before the other tab's logout", async () => {
    // Prepare: tab B asked while the session was still live; the answer is on its way when tab A logs out
    const { server, makeClient } = fakeBff({ loggedIn: true });
    const { sender, tabB } = await tabBesideSender(makeClient);
    const deliver = holdSessionAnswers(server);
    const callsBefore = server.sessionCalls;
    const check = tabB.refresh();

    // Act
    server.loggedIn = false;
    server.sessionGate = null;
    sender.postMessage({ type: "logout" });
    await until(tabB, (state) => state.status === "anonymous");
    deliver();
    await check;
    const settledState = await until(tabB, settled);

    // Assess: the stale "logged in" answer was set aside and the tab asked again
    expect(settledState).toMatchObject({ status: "anonymous", reason: "elsewhere" });
    expect(server.sessionCalls - callsBefore).toBe(2);
  });

  it("makes a logged-out tab look again when another tab sees a login", async () => {
    // Prepare
    const { server, makeClient } = fakeBff({ loggedIn: false });
    const name = `bff-session-test-${crypto.randomUUID()}`;
    const tabA = track(createSessionStore({ client: makeClient(), channel: track(new BroadcastChannel(name)) }));
    const tabB = track(createSessionStore({ client: makeClient(), channel: track(new BroadcastChannel(name)) }));
    await until(tabA, settled);
    await until(tabB, settled);
    server.loggedIn = true;

    // Act
    await tabA.refresh();
    const other = await until(tabB, (state) => state.status === "authenticated");

    // Assess
    expect(tabA.getSnapshot()).toMatchObject({ status: "authenticated", user: alice });
    expect(other).toMatchObject({ status: "authenticated", user: alice });
  });

  it("ignores channel messages it does not understand", async () => {
    // Prepare
    const { server, makeClient } = fakeBff({ loggedIn: true });
    const name = `bff-session-test-${crypto.randomUUID()}`;
    const store = track(createSessionStore({ client: makeClient(), channel: track(new BroadcastChannel(name)) }));
    await until(store, settled);
    const callsBefore = server.sessionCalls;
    const sender = track(new BroadcastChannel(name));
    const probe = track(new BroadcastChannel(name));
    const delivered = new Promise((resolve) => probe.addEventListener("message", resolve, { once: true }));

    // Act
    sender.postMessage({ type: "steal", token: "x" });
    await delivered;

    // Assess
    expect(server.sessionCalls).toBe(callsBefore);
    expect(store.getSnapshot()).toMatchObject({ status: "authenticated" });
  });

  it("re-checks a page restored from the back/forward cache in the middle of a logout", async () => {
    // Prepare
    const { server, makeClient } = fakeBff({ loggedIn: true });
    const activity = manualActivity();
    const store = mount(track(createSessionStore({ client: makeClient(), activity: activity.source })));
    await until(store, settled);
    await store.logout();

    // Act
    activity.fire("restored");
    const state = await until(store, settled);

    // Assess
    expect(server.loggedIn).toBe(false);
    expect(state).toMatchObject({ status: "anonymous", reason: "none" });
  });

  it("re-checks when the page gets focus", async () => {
    // Prepare
    const { server, makeClient } = fakeBff({ loggedIn: true });
    const activity = manualActivity();
    const store = mount(track(createSessionStore({ client: makeClient(), activity: activity.source })));
    await until(store, settled);
    server.loggedIn = false;

    // Act
    activity.fire("focus");
    const state = await until(store, (candidate) => candidate.status === "anonymous");

    // Assess
    expect(state).toMatchObject({ status: "anonymous", reason: "expired" });
  });
});
