import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A tiny client-credentials issuer plus an API on 127.0.0.1 port 0, with knobs and counters. */
export interface FakeOAuth {
  issuer: string;
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  tokenRequests: () => number;
  apiRequests: () => Array<{ method: string; path: string; token: string | undefined; body: string }>;
  /** Tokens the API refuses from now on (revoked). */
  revoke(token: string): void;
  /** Token endpoint behaviour: "ok", an HTTP 503, or an OAuth error. */
  tokenMode: "ok" | "down" | "invalid_client";
  /** The API never answers (for timeouts). */
  apiHangs: boolean;
  expiresIn: number;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

export async function startFakeOAuth(): Promise<FakeOAuth> {
  let issued = 0;
  const valid = new Set<string>();
  const apiLog: Array<{ method: string; path: string; token: string | undefined; body: string }> = [];
  const clientId = "test-m2m";
  const clientSecret = "s3cret-value-never-logged";
  let base = "";
  const state = {
    tokenMode: "ok" as FakeOAuth["tokenMode"],
    apiHangs: false,
    expiresIn: 3600,
  };

  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", base);
    const body = await readBody(request);
    if (url.pathname === "/.well-known/openid-configuration") {
      send(response, 200, {
        issuer: base,
        token_endpoint: `${base}/token`,
        jwks_uri: `${base}/jwks`,
        token_endpoint_auth_methods_supported: ["client_secret_basic"],
      });
      return;
    }
    if (url.pathname === "/token" && request.method === "POST") {
      issued += 1;
      if (state.tokenMode === "down") return send(response, 503, { error: "temporarily_unavailable" });
      // RFC 6749 2.3.1: id and secret are form-urlencoded before the Basic encoding.
      const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
      const [id, secret] = Buffer.from(basic, "base64")
        .toString("utf8")
        .split(":")
        .map((part) => decodeURIComponent(part.replace(/\+/g, " ")));
      const form = new URLSearchParams(body);
      if (
        state.tokenMode === "invalid_client" ||
        id !== clientId ||
        secret !== clientSecret ||
        form.get("grant_type") !== "client_credentials"
      ) {
        return send(response, 401, { error: "invalid_client", error_description: "client authentication failed" });
      }
      const token = `token-${issued}`;
      valid.add(token);
      return send(response, 200, {
        access_token: token,
        token_type: "Bearer",
        expires_in: state.expiresIn,
        scope: form.get("scope") ?? "",
      });
    }
    if (url.pathname.startsWith("/local/")) {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      apiLog.push({ method: request.method ?? "", path: url.pathname + url.search, token, body });
      if (state.apiHangs) return;
      if (token === undefined || !valid.has(token) || url.pathname === "/local/always-401")
        return send(response, 401, { message: "Unauthorized" });
      return send(response, 200, { items: [{ id: "1" }, { id: "2" }], path: url.pathname });
    }
    send(response, 404, { error: "not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer: base,
    apiBaseUrl: `${base}/local`,
    clientId,
    clientSecret,
    tokenRequests: () => issued,
    apiRequests: () => apiLog,
    revoke: (token) => valid.delete(token),
    get tokenMode() {
      return state.tokenMode;
    },
    set tokenMode(value) {
      state.tokenMode = value;
    },
    get apiHangs() {
      return state.apiHangs;
    },
    set apiHangs(value) {
      state.apiHangs = value;
    },
    get expiresIn() {
      return state.expiresIn;
    },
    set expiresIn(value) {
      state.expiresIn = value;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
