/**
 * A minimal browser for tests that drive the local platform over real HTTP:
 * a cookie jar per host, manual redirects, raw request targets (no URL
 * normalization of `..` or `%2e`), and the body hash CloudFront OAC needs.
 *
 * node:http rather than fetch: fetch normalizes the path, refuses some
 * headers, and always says `sec-fetch-mode: cors` (a top-level navigation
 * says `navigate`, which the BFF and a peer such as mod_auth_openidc treat
 * differently), so a test could not send what a browser or an attacker sends.
 */
import { createHash } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";

/** An HTTP answer as the browser saw it (redirects not followed). */
export interface Answer {
  status: number;
  /** The URL that was requested. */
  url: string;
  /** The `Location` header resolved against `url`. */
  location: string | undefined;
  headers: Headers;
  setCookies: string[];
  body: string;
  bytes: Buffer;
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

export interface BrowserOptions {
  /** Headers on every request, under the request's own (e.g. `accept: text/html` and `sec-fetch-mode: navigate` for navigations). */
  headers?: Record<string, string>;
}

/** A cookie-keeping HTTP client that never follows a redirect by itself. */
export class Browser {
  readonly jar = new Map<string, Map<string, string>>();
  readonly #defaultHeaders: Record<string, string>;

  constructor(options: BrowserOptions = {}) {
    this.#defaultHeaders = options.headers ?? {};
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  /** The names of the cookies kept for `host`. */
  cookies(host: string): string[] {
    return [...(this.jar.get(host)?.keys() ?? [])];
  }

  /** The `Cookie` header the browser sends to `host`. */
  cookieHeader(host: string): string {
    return [...(this.jar.get(host) ?? new Map<string, string>()).entries()].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  setCookie(host: string, name: string, value: string): void {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(host, cookies);
  }

  deleteCookie(host: string, name: string): void {
    this.jar.get(host)?.delete(name);
  }

  /** `target` is an absolute URL; its path and query are sent exactly as written. */
  async request(target: string, init: BrowserRequest = {}): Promise<Answer> {
    const url = new URL(target);
    const rawTarget = target.slice(url.origin.length) || "/";
    const headers: Record<string, string> = { ...this.#defaultHeaders, ...(init.headers ?? {}) };
    const cookie = init.cookieHeader ?? this.cookieHeader(url.hostname);
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
          // A fresh connection a request: a test that stops and restarts a server must not meet a stale keep-alive socket.
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
    for (const line of setCookies) this.#store(url.hostname, line);
    const plainHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && name !== "set-cookie") plainHeaders.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const location = plainHeaders.get("location");
    const text = response.bytes.toString("utf8");
    return {
      status: response.status,
      url: url.href,
      location: location === null ? undefined : new URL(location, url).href,
      headers: plainHeaders,
      setCookies,
      body: text,
      bytes: response.bytes,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  /** Follows redirects until an answer that is not one, or whose Location starts with `stopAt`. */
  async follow(target: string, stopAt?: string, init?: BrowserRequest): Promise<Answer> {
    let answer = await this.request(target, init);
    for (let hops = 0; hops < 10; hops++) {
      if (!answer.location || answer.status < 300 || answer.status >= 400) return answer;
      if (stopAt !== undefined && answer.location.startsWith(stopAt)) return answer;
      answer = await this.request(answer.location);
    }
    throw new Error(`too many redirects from ${target}`);
  }

  #store(host: string, line: string): void {
    const [pair = ""] = line.split(";");
    const index = pair.indexOf("=");
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    if (/max-age=0(;|$)/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line) || value === "") cookies.delete(name);
    else cookies.set(name, value);
    this.jar.set(host, cookies);
  }
}

/** The action URL of the first form in a server-rendered page, resolved against the page's URL. */
export function formAction(html: string, pageUrl: string): string | undefined {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  return action === undefined ? undefined : new URL(action.replace(/&amp;/g, "&"), pageUrl).href;
}

/** The value of a hidden or text input in a server-rendered form. */
export function formField(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return input ? /value="([^"]*)"/.exec(input)?.[1] : undefined;
}
