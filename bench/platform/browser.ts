import { request as httpRequest, type IncomingHttpHeaders } from "node:http";

/**
 * Just enough browser to log in over HTTP: manual redirects and a cookie jar
 * per host (name and value only; the bench never sends a cookie cross-host).
 */
export interface Page {
  status: number;
  url: string;
  location: string | undefined;
  body: string;
}

export interface Browser {
  request(target: string, form?: Record<string, string>): Promise<Page>;
  /** Follows redirects until an answer that is not one, or a Location starting with `stopAt`. */
  follow(target: string, stopAt?: string, form?: Record<string, string>): Promise<Page>;
  cookie(host: string, name: string): string | undefined;
  cookieHeader(host: string): string;
}

export function createBrowser(): Browser {
  const jar = new Map<string, Map<string, string>>();
  const cookiesOf = (host: string) => {
    const cookies = jar.get(host) ?? new Map<string, string>();
    jar.set(host, cookies);
    return cookies;
  };
  const cookieHeader = (host: string) => [...cookiesOf(host)].map(([name, value]) => `${name}=${value}`).join("; ");

  async function request(target: string, form?: Record<string, string>): Promise<Page> {
    const url = new URL(target);
    // A top-level navigation, as a browser sends it. node:http rather than fetch, which always says
    // "sec-fetch-mode: cors" (and mod_auth_openidc answers such calls 401 instead of redirecting).
    const headers: Record<string, string> = { accept: "text/html", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };
    const cookie = cookieHeader(url.host);
    if (cookie) headers.cookie = cookie;
    const body = form ? new URLSearchParams(form).toString() : undefined;
    if (body !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const response = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname === "localhost" ? "127.0.0.1" : url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: form ? "POST" : "GET",
          headers: { host: url.host, ...headers },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (chunk: string) => {
            text += chunk;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    const cookies = cookiesOf(url.host);
    for (const line of response.headers["set-cookie"] ?? []) {
      const [pair = ""] = line.split(";");
      const name = pair.slice(0, pair.indexOf("=")).trim();
      const value = pair.slice(pair.indexOf("=") + 1).trim();
      if (value === "" || /max-age=0(;|$)/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
    const location = response.headers.location;
    return {
      status: response.status,
      url: url.href,
      location: location === undefined ? undefined : new URL(location, url).href,
      body: response.body,
    };
  }

  async function follow(target: string, stopAt?: string, form?: Record<string, string>): Promise<Page> {
    let page = await request(target, form);
    for (let hops = 0; hops < 10; hops += 1) {
      if (page.location === undefined || page.status < 300 || page.status >= 400) return page;
      if (stopAt !== undefined && page.location.startsWith(stopAt)) return page;
      page = await request(page.location);
    }
    throw new Error(`too many redirects from ${target}`);
  }

  return { request, follow, cookie: (host, name) => cookiesOf(host).get(name), cookieHeader };
}

/**
 * Logs in at the local IdP: from a URL that leads to its login form, posts
 * the demo user's credentials and follows redirects until `stopAt` (or the
 * end). Returns the last page.
 */
export async function loginAtIdp(
  browser: Browser,
  start: string,
  credentials: { username: string; password: string },
  stopAt?: string,
): Promise<Page> {
  const page = await browser.follow(start, stopAt);
  if (stopAt !== undefined && page.location?.startsWith(stopAt)) return page;
  const action = /<form[^>]*action="([^"]*)"/.exec(page.body)?.[1];
  if (action === undefined) throw new Error(`no login form at the IdP (HTTP ${page.status})`);
  return browser.follow(new URL(action.replace(/&amp;/g, "&"), page.url).href, stopAt, credentials);
}
