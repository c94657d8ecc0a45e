import { afterEach, describe, expect, it } from "vitest";
import { type BffClient, BffError, createBffClient, type SignInMethod } from "../bff.ts";
import { endSession, listSessions } from "../sessions/sessions-api.ts";
import { createSessionStore, type SessionState, type SessionStore } from "./session-store.ts";

const alice = { sub: "u-alice", name: "Alice Anderson", email: "alice@example.com" };
const LOGOUT_URL = "http://idp.test/session/end?client_id=web";

interface ServerSession {
  handle: string;
  device: string;
}

/**
 * A stand-in BFF for one user signed in from several browsers. Each browser
 * is a cookie: its clients (one per tab) send it with every call, as a real
 * browser would. Reached only through the real client, over a fetch seam.
 */
function fakeBff(options: { signInMethod?: SignInMethod } = {}) {
  const server = {
    live: new Map<string, ServerSession>(),
    logoutBodies: [] as Array<string | undefined>,
    /** The 401 code for a cookie whose session is gone; `session_revoked` is also the reason a logged-out `/auth/session` gives. */
    goneCode: "unauthenticated",
    failLogout: null as number | null,
  };
  const navigations: string[] = [];

  function browser(cookie: string, device: string) {
    server.live.set(cookie, { handle: `h-${cookie}`, device });
    const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
      const path = String(input);
      const method = init.method ?? "GET";
      const body = init.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : undefined;
      const reply = (status: number, payload: unknown) =>
        new Response(JSON.stringify(payload), { status, headers: { "content-type": "application/json" } });
      const gone = () => reply(401, { error: server.goneCode, message: "No valid session" });
      const mine = server.live.get(cookie);

      if (path === "/auth/session" && method === "GET") {
        if (!mine) {
          const revoked = server.goneCode === "session_revoked" ? { reason: server.goneCode } : {};
          return reply(200, { authenticated: false, login: "branded", ...revoked });
        }
        const signedIn = { authenticated: true, user: alice, expiresAt: "2099-01-01T00:00:00.000Z" };
        return reply(200, options.signInMethod ? { ...signedIn, signInMethod: options.signInMethod } : signedIn);
      }
      if (path === "/auth/logout" && method === "POST") {
        server.logoutBodies.push(body);
        if (server.failLogout !== null)
          return reply(server.failLogout, { error: "session_store_unavailable", message: "Sessions are unavailable" });
        if (!mine) return gone();
        if (body !== undefined && (JSON.parse(body) as { everywhere?: unknown }).everywhere === true) server.live.clear();
        else server.live.delete(cookie);
        return reply(200, { logoutUrl: LOGOUT_URL });
      }
      if (path === "/auth/sessions" && method === "GET") {
        if (!mine) return gone();
        const sessions = [...server.live.entries()].map(([owner, entry]) => ({
          handle: entry.handle,
          device: entry.device,
          createdAt: "2026-03-01T08:00:00.000Z",
          lastActiveAt: "2026-03-01T09:00:00.000Z",
          signInMethod: "password",
          current: owner === cookie,
        }));
        return reply(200, { sessions });
      }
      if (path.startsWith("/auth/sessions/") && method === "DELETE") {
        if (!mine) return gone();
        const handle = decodeURIComponent(path.slice("/auth/sessions/".length));
        const owner = [...server.live.entries()].find(([, entry]) => entry.handle === handle)?.[0];
        if (owner === undefined) return reply(404, { error: "not_found", message: "No such session" });
        server.live.delete(owner);
        return new Response(null, { status: 204 });
      }
      if (path === "/api/items") return mine ? reply(200, { items: [] }) : gone();
      return reply(404, { error: "not_found", message: "Not found" });
    };
    const makeClient = (): BffClient =>
      createBffClient({ fetch: fetch as typeof globalThis.fetch, navigate: (url) => navigations.push(url) });
    return { makeClient };
  }

  return { server, navigations, browser };
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function track<T extends { dispose(): void } | { close(): void }>(thing: T): T {
  cleanups.push(() => ("dispose" in thing ? thing.dispose() : thing.close()));
  return thing;
}

/** Resolves with the first state that matches; the test timeout bounds it. */
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

/** A tab: a store over its own client, on its browser's channel (if any). */
function tab(client: BffClient, channelName?: string): SessionStore {
  return track(createSessionStore({ client, channel: channelName ? track(new BroadcastChannel(channelName)) : null }));
}

describe("createSessionStore: log out everywhere", () => {
  it("posts everywhere, leaves for the logoutUrl, tells this browser's other tabs, and another browser is logged out at its next call", async () => {
    // Prepare
    const { server, navigations, browser } = fakeBff();
    const laptop = browser("laptop", "Chrome on Linux");
    const phone = browser("phone", "Safari on iOS");
    const channelName = `bff-session-test-${crypto.randomUUID()}`;
    const tabA = tab(laptop.makeClient(), channelName);
    const tabB = tab(laptop.makeClient(), channelName);
    const phoneClient = phone.makeClient();
    const phoneTab = tab(phoneClient);
    await Promise.all([until(tabA, settled), until(tabB, settled), until(phoneTab, settled)]);

    // Act
    await tabA.logout({ everywhere: true });
    const otherTab = await until(tabB, (state) => state.status === "anonymous" && !state.refreshing);
    const phoneCall = await phoneClient.request("GET", "/api/items").catch((error: unknown) => error);

    // Assess
    expect(server.logoutBodies).toEqual(['{"everywhere":true}']);
    expect(server.live.size).toBe(0);
    expect(navigations).toEqual([LOGOUT_URL]);
    expect(tabA.getSnapshot()).toEqual({ status: "signing-out" });
    expect(otherTab).toMatchObject({ status: "anonymous", reason: "elsewhere" });
    expect(phoneCall).toMatchObject({ name: "BffError", status: 401 });
    expect(phoneTab.getSnapshot()).toMatchObject({ status: "anonymous", reason: "expired" });
  });

  it("says the session was ended elsewhere when the BFF's 401 says it was revoked", async () => {
    // Prepare
    const { server, browser } = fakeBff();
    const laptop = browser("laptop", "Chrome on Linux");
    const phone = browser("phone", "Safari on iOS");
    server.goneCode = "session_revoked";
    const laptopTab = tab(laptop.makeClient());
    const phoneClient = phone.makeClient();
    const phoneTab = tab(phoneClient);
    await Promise.all([until(laptopTab, settled), until(phoneTab, settled)]);

    // Act
    await laptopTab.logout({ everywhere: true });
    await phoneClient.request("GET", "/api/items").catch(() => undefined);

    // Assess
    expect(phoneTab.getSnapshot()).toMatchObject({ status: "anonymous", reason: "ended" });
  });

  it("says the session was ended elsewhere when a poll finds it so, and this browser's other tabs say so too", async () => {
    // Prepare
    const { server, browser } = fakeBff();
    const laptop = browser("laptop", "Chrome on Linux");
    const phone = browser("phone", "Safari on iOS");
    server.goneCode = "session_revoked";
    const channelName = `bff-session-test-${crypto.randomUUID()}`;
    const laptopTab = tab(laptop.makeClient());
    const phoneTabA = tab(phone.makeClient(), channelName);
    const phoneTabB = tab(phone.makeClient(), channelName);
    await Promise.all([until(laptopTab, settled), until(phoneTabA, settled), until(phoneTabB, settled)]);
    await laptopTab.logout({ everywhere: true });

    // Act
    await phoneTabA.refresh();
    const otherTab = await until(phoneTabB, (state) => state.status === "anonymous" && !state.refreshing);

    // Assess
    expect(phoneTabA.getSnapshot()).toMatchObject({ status: "anonymous", reason: "ended" });
    expect(otherTab).toMatchObject({ status: "anonymous", reason: "ended" });
  });

  it("shows the logged-out screen, and goes nowhere, when this browser's session was already gone", async () => {
    // Prepare
    const { server, navigations, browser } = fakeBff();
    const laptop = browser("laptop", "Chrome on Linux");
    const channelName = `bff-session-test-${crypto.randomUUID()}`;
    const tabA = tab(laptop.makeClient(), channelName);
    const tabB = tab(laptop.makeClient(), channelName);
    await Promise.all([until(tabA, settled), until(tabB, settled)]);
    server.live.delete("laptop");

    // Act
    await tabA.logout({ everywhere: true });
    const state = await until(tabA, settled);
    const otherTab = await until(tabB, (candidate) => candidate.status === "anonymous" && !candidate.refreshing);

    // Assess
    expect(navigations).toEqual([]);
    expect(state).toMatchObject({ status: "anonymous", reason: "expired", login: "branded", error: null });
    expect(otherTab).toMatchObject({ status: "anonymous" });
  });

  it("stays logged in, tells no other tab and throws when logging out everywhere fails", async () => {
    // Prepare
    const { server, navigations, browser } = fakeBff();
    const laptop = browser("laptop", "Chrome on Linux");
    const channelName = `bff-session-test-${crypto.randomUUID()}`;
    const tabA = tab(laptop.makeClient(), channelName);
    await until(tabA, settled);
    const probe = track(new BroadcastChannel(channelName));
    const heard: unknown[] = [];
    probe.addEventListener("message", (event) => heard.push(event.data));
    server.failLogout = 503;

    // Act
    const failure = await tabA.logout({ everywhere: true }).catch((error: unknown) => error);
    // A message posted now arrives after anything tabA might have posted before it.
    const marker = track(new BroadcastChannel(channelName));
    const delivered = new Promise((resolve) => probe.addEventListener("message", resolve, { once: true }));
    marker.postMessage({ type: "marker" });
    await delivered;

    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "session_store_unavailable", status: 503 });
    expect(tabA.getSnapshot()).toMatchObject({ status: "authenticated", user: alice });
    expect(navigations).toEqual([]);
    expect(heard).toEqual([{ type: "marker" }]);
  });
});

describe("createSessionStore: the sessions panel's calls", () => {
  it("moves a browser whose session was ended from another browser's panel to logged out at its next call", async () => {
    // Prepare
    const { browser } = fakeBff();
    const laptop = browser("laptop", "Chrome on Linux");
    const phone = browser("phone", "Safari on iOS");
    const laptopClient = laptop.makeClient();
    const laptopTab = tab(laptopClient);
    const phoneClient = phone.makeClient();
    const phoneTab = tab(phoneClient);
    await Promise.all([until(laptopTab, settled), until(phoneTab, settled)]);
    const listed = await listSessions(laptopClient);
    const other = listed.find((entry) => !entry.current);

    // Act
    const outcome = await endSession(laptopClient, other?.handle ?? "");
    const again = await endSession(laptopClient, other?.handle ?? "");
    const phoneCall = await listSessions(phoneClient).catch((error: unknown) => error);

    // Assess
    expect(listed.map((entry) => [entry.device, entry.current])).toEqual([
      ["Chrome on Linux", true],
      ["Safari on iOS", false],
    ]);
    expect([outcome, again]).toEqual(["ended", "already-ended"]);
    expect(phoneCall).toMatchObject({ name: "BffError", status: 401 });
    expect(phoneTab.getSnapshot()).toMatchObject({ status: "anonymous", reason: "expired" });
    expect(laptopTab.getSnapshot()).toMatchObject({ status: "authenticated" });
  });

  it("keeps how the user signed in, and leaves it out when the BFF does not say", async () => {
    // Prepare
    const withMethod = fakeBff({ signInMethod: "password_and_code" }).browser("laptop", "Chrome on Linux");
    const withoutMethod = fakeBff().browser("laptop", "Chrome on Linux");

    // Act
    const told = await until(tab(withMethod.makeClient()), settled);
    const untold = await until(tab(withoutMethod.makeClient()), settled);

    // Assess
    expect(told).toMatchObject({ status: "authenticated", signInMethod: "password_and_code" });
    expect(untold.status === "authenticated" && "signInMethod" in untold).toBe(false);
  });
});
