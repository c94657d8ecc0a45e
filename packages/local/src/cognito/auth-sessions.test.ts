import { describe, expect, it } from "vitest";
import { createAuthSessionStore } from "./auth-sessions.ts";

function setup() {
  const clock = { now: Date.UTC(2026, 0, 1) };
  return { clock, store: createAuthSessionStore<string>({ now: () => clock.now }) };
}

describe("Cognito Session strings", () => {
  it("are opaque, about as long as Cognito's, and give the state back once", () => {
    // Prepare
    const { store } = setup();
    const session = store.issue("state", 180_000);
    // Act
    const first = store.take(session);
    const second = store.take(session);
    // Assess
    expect(session).toMatch(/^[A-Za-z0-9_-]{1536}$/);
    expect(first).toEqual({ ok: true, state: "state" });
    expect(second).toEqual({ ok: false, reason: "used" });
  });

  it("expire after their validity, even unused", () => {
    // Prepare
    const { store, clock } = setup();
    const session = store.issue("state", 180_000);
    clock.now += 180_000;
    // Act
    const taken = store.take(session);
    // Assess
    expect(taken).toEqual({ ok: false, reason: "expired" });
  });

  it("read a used one as expired once its validity is over, and an unknown one as expired", () => {
    // Prepare
    const { store, clock } = setup();
    const session = store.issue("state", 180_000);
    store.take(session);
    clock.now += 180_001;
    // Act
    const replay = store.take(session);
    const unknown = store.take("not-a-session");
    // Assess
    expect(replay).toEqual({ ok: false, reason: "expired" });
    expect(unknown).toEqual({ ok: false, reason: "expired" });
  });
});
