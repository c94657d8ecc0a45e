/**
 * Test support for the local IdP's tests (not part of the public API): a
 * minimal browser over fetch (manual redirects, a cookie jar) and the
 * openid-client v6 that the BFF uses, as the relying party.
 */

type OpenIdClient = typeof import("openid-client");

/** openid-client v6, the relying-party library the BFF uses. */
export async function loadOpenIdClient(): Promise<OpenIdClient> {
  return import("openid-client");
}

interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly host: string;
  readonly path: string;
}

export interface BrowserResponse {
  readonly status: number;
  readonly url: string;
  readonly location: string | undefined;
  readonly headers: Headers;
  readonly body: string;
}

/** A cookie-keeping HTTP client that never follows a redirect by itself. */
export interface TestBrowser {
  request(url: string, init?: { method?: string; form?: Record<string, string> }): Promise<BrowserResponse>;
  /** Follows redirects until a response that is not one, or one whose Location starts with `stopAt`. */
  follow(url: string, stopAt: string, init?: { method?: string; form?: Record<string, string> }): Promise<BrowserResponse>;
  cookies(host: string): string[];
}

function pathMatches(cookiePath: string, requestPath: string): boolean {
  return requestPath === cookiePath || requestPath.startsWith(cookiePath.endsWith("/") ? cookiePath : `${cookiePath}/`);
}

/** Creates a browser with an empty cookie jar. */
export function createTestBrowser(): TestBrowser {
  let jar: StoredCookie[] = [];

  function store(url: URL, setCookie: string): void {
    const [pair = "", ...attributes] = setCookie.split(";").map((part) => part.trim());
    const separator = pair.indexOf("=");
    const name = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    let path = url.pathname.replace(/\/[^/]*$/, "") || "/";
    let expired = false;
    for (const attribute of attributes) {
      const [key = "", attributeValue = ""] = attribute.split("=");
      if (key.toLowerCase() === "path") path = attributeValue;
      if (key.toLowerCase() === "max-age" && Number(attributeValue) <= 0) expired = true;
      if (key.toLowerCase() === "expires" && Date.parse(attributeValue) <= Date.now()) expired = true;
    }
    jar = jar.filter((cookie) => !(cookie.name === name && cookie.host === url.hostname && cookie.path === path));
    if (!expired) jar.push({ name, value, host: url.hostname, path });
  }

  async function request(target: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<BrowserResponse> {
    const url = new URL(target);
    const cookie = jar
      .filter((entry) => entry.host === url.hostname && pathMatches(entry.path, url.pathname))
      .map((entry) => `${entry.name}=${entry.value}`)
      .join("; ");
    const headers: Record<string, string> = { accept: "text/html" };
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method: init.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" });
    for (const setCookie of response.headers.getSetCookie()) store(url, setCookie);
    const location = response.headers.get("location");
    return {
      status: response.status,
      url: url.href,
      location: location === null ? undefined : new URL(location, url).href,
      headers: response.headers,
      body: await response.text(),
    };
  }

  async function follow(
    target: string,
    stopAt: string,
    init?: { method?: string; form?: Record<string, string> },
  ): Promise<BrowserResponse> {
    let response = await request(target, init);
    for (let hops = 0; hops < 10; hops += 1) {
      if (response.location === undefined || response.status < 300 || response.status >= 400) return response;
      if (response.location.startsWith(stopAt)) return response;
      response = await request(response.location);
    }
    throw new Error(`too many redirects from ${target}`);
  }

  return {
    request,
    follow,
    cookies: (host) => jar.filter((cookie) => cookie.host === host).map((cookie) => cookie.name),
  };
}

/** The value of a hidden or text input in a server-rendered form. */
export function formField(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return input ? /value="([^"]*)"/.exec(input)?.[1] : undefined;
}

/** The action URL of the first form in a page, resolved against the page's URL. */
export function formAction(html: string, pageUrl: string): string | undefined {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  return action === undefined ? undefined : new URL(action.replace(/&amp;/g, "&"), pageUrl).href;
}
