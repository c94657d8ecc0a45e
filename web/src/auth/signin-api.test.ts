import { describe, expect, it } from "vitest";
import { BffError, createBffClient } from "../bff.ts";
import { endsSignIn, submitCode, submitPassword } from "./signin-api.ts";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
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
    });
    const next = responses.shift();
    if (next === undefined) throw new Error("fakeFetch: no response queued");
    return next;
  };
  return { client: createBffClient({ fetch: fetch as typeof globalThis.fetch }), calls };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

describe("branded sign-in client", () => {
  it("posts the password step as JSON with X-CSRF and the body hash, and reads the code challenge", async () => {
    // Prepare
    const { client, calls } = fakeFetch(json(200, { challenge: "CODE", destination: "a***@example.com", retry: false }));
    // Act
    const step = await submitPassword(client, "alice", "correct horse");
    // Assess
    expect(step).toEqual({ kind: "code", destination: "a***@example.com", retry: false });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: "/auth/signin", method: "POST", body: '{"username":"alice","password":"correct horse"}' });
    expect(calls[0]?.headers["x-csrf"]).toBe("1");
    expect(calls[0]?.headers["content-type"]).toBe("application/json");
    expect(calls[0]?.headers["x-amz-content-sha256"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("posts the trimmed code and reports the signed-in user", async () => {
    // Prepare
    const user = { sub: "sub-alice", name: "Alice Anderson", email: "alice@example.com" };
    const { client, calls } = fakeFetch(json(200, { authenticated: true, user, expiresAt: "2099-01-01T00:00:00.000Z" }));
    // Act
    const step = await submitCode(client, " 123456 ");
    // Assess
    expect(step).toEqual({ kind: "signed-in", user });
    expect(calls[0]).toMatchObject({ url: "/auth/signin/code", method: "POST", body: '{"code":"123456"}' });
  });

  it("reads a repeated challenge after a wrong code as a retry", async () => {
    // Prepare
    const { client } = fakeFetch(json(200, { challenge: "CODE", retry: true }));
    // Act
    const step = await submitCode(client, "000000");
    // Assess
    expect(step).toEqual({ kind: "code", destination: null, retry: true });
  });

  it("passes on the API's message for a refused password", async () => {
    // Prepare
    const { client } = fakeFetch(json(401, { error: "login_failed", message: "Incorrect username, password or code." }));
    // Act
    const failure = await submitPassword(client, "alice", "guess").catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "login_failed", status: 401, message: "Incorrect username, password or code." });
  });

  it("passes on field errors of a 400 validation_failed", async () => {
    // Prepare
    const { client } = fakeFetch(
      json(400, {
        error: "validation_failed",
        message: "The sign-in request is invalid",
        details: { fields: { code: "Enter the 6-digit code" } },
      }),
    );
    // Act
    const failure = await submitCode(client, "12").catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "validation_failed", status: 400, fieldErrors: { code: "Enter the 6-digit code" } });
    expect(endsSignIn(failure as BffError)).toBe(false);
  });

  it("refuses an answer that is neither a challenge nor a session", async () => {
    // Prepare
    const { client } = fakeFetch(json(200, { authenticated: true }));
    // Act
    const failure = await submitCode(client, "123456").catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(BffError);
    expect(failure).toMatchObject({ code: "invalid_response", message: "The server sent an answer this app cannot read." });
  });

  it("starts over at the password after a lockout, a finished code step or a lost sign-in", () => {
    // Act & Assess
    expect(endsSignIn(new BffError("too_many_attempts", 429, "Too many failed sign-in attempts. Try again later."))).toBe(true);
    expect(endsSignIn(new BffError("login_failed", 401, "The code was wrong too many times or has expired. Sign in again."))).toBe(true);
    expect(endsSignIn(new BffError("invalid_login_state", 400, "No sign-in is in progress. Sign in again."))).toBe(true);
    expect(endsSignIn(new BffError("network_error", 0, "Could not reach the server."))).toBe(false);
  });
});
