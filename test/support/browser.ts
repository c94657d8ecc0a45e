/**
 * A minimal browser for suites that drive the edge over real HTTP: a cookie
 * jar per host, manual redirects, raw request targets (no URL normalization),
 * the body hash CloudFront OAC needs, and a raw-socket request for what an
 * HTTP client library refuses to send (CR/LF in a header, oversized headers).
 */

import { createHash } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import type { TestPlatform } from "./platform.ts";

export interface Answer {
  status: number;
  location: string | undefined;
  headers: IncomingMessage["headers"];
  setCookies: string[];
  body: string;
  json<T = Record<string, unknown>>(): T;
}

export interface BrowserRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  form?: Record<string, string>;
  /** Leave out `x-amz-content-sha256` on a request with a body. */
  omitBodyHash?: boolean;
  /** Replaces the jar's `Cookie` header. */
  cookieHeader?: string;
}

/** The SPA's headers on a JSON call to the BFF. */
export function spaHeaders(app: string): Record<string, string> {
  return { "x-csrf": "1", origin: app, "sec-fetch-site": "same-origin", accept: "application/json" };
}

export class Browser {
  readonly jar = new Map<string, Map<string, string>>();

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  setCookie(host: string, name: string, value: string): void {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(host, cookies);
  }

  /** `target` is an absolute URL; its path and query are sent exactly as written. */
  async request(target: string, init: BrowserRequest = {}): Promise<Answer> {
    const url = new URL(target);
    const rawTarget = target.slice(url.origin.length) || "/";
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const jarCookies = [...(this.jar.get(url.hostname) ?? new Map<string, string>()).entries()]
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
    const cookie = init.cookieHeader ?? jarCookies;
    if (cookie) headers.cookie = cookie;
    let body: Buffer | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = Buffer.from(new URLSearchParams(init.form).toString());
    } else if (init.body !== undefined) {
      body = Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body);
    }
    if (body && body.length > 0 && !init.omitBodyHash) headers["x-amz-content-sha256"] = createHash("sha256").update(body).digest("hex");
    const method = init.method ?? (body ? "POST" : "GET");
    const response = await new Promise<{ status: number; headers: IncomingMessage["headers"]; bytes: Buffer }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname === "localhost" ? "127.0.0.1" : url.hostname,
          port: url.port,
          method,
          path: rawTarget,
          headers: { host: url.host, ...headers },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    const setCookies = ([] as string[]).concat(response.headers["set-cookie"] ?? []);
    for (const line of setCookies) this.store(url.hostname, line);
    const location = response.headers.location;
    const text = response.bytes.toString("utf8");
    return {
      status: response.status,
      location: location === undefined ? undefined : new URL(location, url).href,
      headers: response.headers,
      setCookies,
      body: text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  /** Follows redirects until an answer that is not one, or whose Location starts with `stopAt`. */
  async follow(target: string, stopAt: string, init?: BrowserRequest): Promise<Answer> {
    let answer = await this.request(target, init);
    for (let hops = 0; hops < 10; hops++) {
      if (!answer.location || answer.status < 300 || answer.status >= 400 || answer.location.startsWith(stopAt)) return answer;
      answer = await this.request(answer.location);
    }
    throw new Error(`too many redirects from ${target}`);
  }

  private store(host: string, line: string): void {
    const [pair = ""] = line.split(";");
    const index = pair.indexOf("=");
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    if (/max-age=0(;|$)/i.test(line) || value === "") cookies.delete(name);
    else cookies.set(name, value);
    this.jar.set(host, cookies);
  }
}

/** Runs /auth/login through the IdP's form up to the IdP's redirect back to the callback (not followed). */
export async function loginUntilCallback(tp: TestPlatform, browser: Browser, username: string, returnTo = "/items"): Promise<string> {
  const start = await browser.request(`${tp.app}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  if (start.status !== 302 || !start.location) throw new Error(`login did not redirect: ${start.status} ${start.body}`);
  const page = await browser.follow(start.location, `${tp.app}/`);
  if (page.location?.startsWith(`${tp.app}/auth/callback`)) return page.location;
  const action = /<form[^>]*action="([^"]*)"/.exec(page.body)?.[1];
  if (action === undefined) throw new Error(`no login form on the IdP page: ${page.status}`);
  const back = await browser.follow(new URL(action.replace(/&amp;/g, "&"), start.location).href, `${tp.app}/`, {
    form: { username, password: tp.password(username) },
  });
  if (!back.location?.startsWith(`${tp.app}/auth/callback`)) throw new Error(`the IdP did not redirect back: ${back.status}`);
  return back.location;
}

/** A whole login as a browser does it; returns the callback's answer and the new session cookie value. */
export async function login(
  tp: TestPlatform,
  browser: Browser,
  username: string,
  returnTo = "/items",
): Promise<{ answer: Answer; sessionId: string }> {
  const answer = await browser.request(await loginUntilCallback(tp, browser, username, returnTo));
  const sessionId = browser.cookie(new URL(tp.app).hostname, "__Host-session");
  if (!sessionId) throw new Error(`the callback set no session: ${answer.status} ${answer.body}`);
  return { answer, sessionId };
}

/** Sends bytes as they are on a fresh connection and returns the raw answer (head and body), for requests no client library would send. */
export function rawRequest(port: number, text: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // The server may reset after answering an oversized request: the answer already read is what counts.
      if (error.code === "ECONNRESET" && chunks.length > 0) resolve(Buffer.concat(chunks).toString("latin1"));
      else reject(error);
    });
    socket.end(text);
  });
}

/** The status code of a raw HTTP answer. */
export function rawStatus(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}
