/**
 * The one way this app talks to its backend. Every call is a same-origin
 * `fetch` to the BFF: the browser carries only the HttpOnly session cookie,
 * never a token, so there is nothing here to store, refresh or attach.
 */

/** Field name → message, as the API's `details.fields` sends them. */
export type FieldErrors = Readonly<Record<string, string>>;

/** A failed BFF or API call, typed from the `{"error","message","details"}` body. */
export class BffError extends Error {
  override readonly name = "BffError";
  /** The wire code (`validation_failed`, `unauthenticated`…), or `network_error` / `http_<status>`. */
  readonly code: string;
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  readonly fieldErrors: FieldErrors;

  constructor(code: string, status: number, message: string, fieldErrors: FieldErrors = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

export interface SessionUser {
  sub: string;
  name?: string;
  email?: string;
}

/** How this stage logs people in: the IdP's page (`hosted`, the Log in button) or the app's own form (`branded`). */
export type LoginMode = "hosted" | "branded";

/** How the user signed in, as the BFF recorded it when it created the session. */
export type SignInMethod = "password" | "password_and_code" | "federated";

const SIGN_IN_METHODS: ReadonlySet<string> = new Set<SignInMethod>(["password", "password_and_code", "federated"]);

/**
 * A sign-in method this app knows, or `undefined`: an older BFF sends none and a
 * newer one may send a method this build has no words for; neither is an error.
 */
export function readSignInMethod(value: unknown): SignInMethod | undefined {
  return typeof value === "string" && SIGN_IN_METHODS.has(value) ? (value as SignInMethod) : undefined;
}

/**
 * What `GET /auth/session` answers; a logged-out answer without `login` means the hosted login.
 * `signInMethod` is absent when the BFF does not say (or says something this build does not know).
 */
export type SessionInfo =
  | { authenticated: true; user: SessionUser; expiresAt: string; signInMethod?: SignInMethod }
  | {
      authenticated: false;
      login?: LoginMode;
      /** Present when this browser's session was ended from elsewhere: the same code as the 401 of any other route. */
      reason?: string;
    };

/** Options of {@link BffClient.logout}. */
export interface LogoutOptions {
  /** End every session of the user, in every browser (`{"everywhere":true}`), not only this one. */
  everywhere?: boolean;
}

export interface BffClientOptions {
  /** Seam for tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Full-page navigation; defaults to `location.assign`. */
  navigate?: (url: string) => void;
  /** Base for the BFF routes; defaults to "" (same origin). */
  baseUrl?: string;
}

export type UnauthenticatedListener = (error: BffError) => void;

export interface BffClient {
  /** Calls a BFF route; resolves with the parsed JSON body (undefined for 204). */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Who is logged in; never throws for "logged out", only for failures. */
  session(): Promise<SessionInfo>;
  /** Leaves the app for the IdP's login page; `returnTo` must be a same-origin path. */
  login(returnTo?: string): void;
  /** Ends the session at the BFF (or, with `everywhere`, all of the user's sessions), then navigates to the IdP's end-session URL. */
  logout(options?: LogoutOptions): Promise<void>;
  /** Called on every 401: the session is gone, whatever the component that saw it. */
  onUnauthenticated(listener: UnauthenticatedListener): () => void;
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/**
 * Keeps `returnTo` a same-origin relative path, the same rule the BFF applies,
 * so a crafted link can never make the app send someone elsewhere.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  // Control characters and backslashes have no place in a path we produce ourselves.
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || char === "\\") return "/";
  }
  return value;
}

/** Hex SHA-256 of the exact body bytes, as CloudFront OAC requires in `x-amz-content-sha256`. */
export async function sha256Hex(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function fallbackMessage(status: number): string {
  if (status === 401) return "Your session has ended. Please log in again.";
  if (status === 403) return "This request was refused.";
  if (status === 404) return "That could not be found.";
  if (status === 413) return "That is too large to send.";
  if (status === 429) return "Too many requests. Please wait a moment and try again.";
  if (status === 504) return "The service took too long to answer. Please try again.";
  if (status >= 500) return "The service is unavailable right now. Please try again.";
  return "The request could not be completed.";
}

function readFieldErrors(details: unknown): FieldErrors {
  if (typeof details !== "object" || details === null) return {};
  const fields = (details as { fields?: unknown }).fields;
  if (typeof fields !== "object" || fields === null) return {};
  const result: Record<string, string> = {};
  for (const [field, message] of Object.entries(fields)) {
    if (typeof message === "string") result[field] = message;
  }
  return result;
}

async function toBffError(response: Response): Promise<BffError> {
  let payload: unknown;
  if (JSON_TYPE.test(response.headers.get("content-type") ?? "")) {
    try {
      payload = await response.json();
    } catch {
      payload = undefined;
    }
  }
  const body = typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : {};
  const code = typeof body.error === "string" && body.error !== "" ? body.error : `http_${response.status}`;
  // Gateways answer `{"message": …}` without a code; their wording is meant for developers, not people.
  const message =
    typeof body.error === "string" && typeof body.message === "string" && body.message !== ""
      ? body.message
      : fallbackMessage(response.status);
  return new BffError(code, response.status, message, readFieldErrors(body.details));
}

function isSessionInfo(value: unknown): value is SessionInfo {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { authenticated?: unknown; user?: unknown; expiresAt?: unknown };
  if (candidate.authenticated === false) return true;
  return (
    candidate.authenticated === true &&
    typeof candidate.user === "object" &&
    candidate.user !== null &&
    typeof (candidate.user as { sub?: unknown }).sub === "string" &&
    typeof candidate.expiresAt === "string"
  );
}

/** Only an absolute http(s) URL may be followed after logout; anything else goes home. */
function safeLogoutUrl(value: unknown, base: string): string {
  if (typeof value !== "string") return "/";
  try {
    const url = new URL(value, base);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : "/";
  } catch {
    return "/";
  }
}

/**
 * Creates a client over the BFF's same-origin routes.
 *
 * @example
 * ```ts
 * const bff = createBffClient();
 * const { items } = await bff.request<ItemList>("GET", "/api/items");
 * ```
 */
export function createBffClient(options: BffClientOptions = {}): BffClient {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const navigate = options.navigate ?? ((url: string) => globalThis.location.assign(url));
  const baseUrl = options.baseUrl ?? "";
  const listeners = new Set<UnauthenticatedListener>();

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const upper = method.toUpperCase();
    const headers: Record<string, string> = { accept: "application/json", "x-csrf": "1" };
    let payload: Uint8Array<ArrayBuffer> | undefined;
    if (body !== undefined) {
      payload = new TextEncoder().encode(JSON.stringify(body));
      headers["content-type"] = "application/json";
    }
    // A Lambda function URL behind CloudFront OAC verifies the body hash on
    // every write, so it is sent even for an empty body (POST /auth/logout).
    if (BODY_METHODS.has(upper)) headers["x-amz-content-sha256"] = await sha256Hex(payload ?? new Uint8Array());

    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method: upper,
        headers,
        body: payload,
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (cause) {
      throw new BffError("network_error", 0, "Could not reach the server. Check your connection and try again.", {}, { cause });
    }

    if (!response.ok) {
      const error = await toBffError(response);
      if (response.status === 401) for (const listener of listeners) listener(error);
      throw error;
    }
    if (response.status === 204 || !JSON_TYPE.test(response.headers.get("content-type") ?? "")) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch (cause) {
      throw new BffError("invalid_response", response.status, "The server sent an answer this app cannot read.", {}, { cause });
    }
  }

  return {
    request,

    async session() {
      const info = await request<unknown>("GET", "/auth/session");
      if (!isSessionInfo(info)) throw new BffError("invalid_response", 200, "The server sent an answer this app cannot read.");
      if (!info.authenticated) return info;
      const { signInMethod, ...rest } = info;
      const known = readSignInMethod(signInMethod);
      return known ? { ...rest, signInMethod: known } : rest;
    },

    login(returnTo = "/") {
      navigate(`${baseUrl}/auth/login?returnTo=${encodeURIComponent(safeReturnTo(returnTo))}`);
    },

    async logout(options = {}) {
      let target = "/";
      try {
        // The plain logout keeps its empty body; only "everywhere" says more.
        const body = options.everywhere ? { everywhere: true } : undefined;
        const result = await request<{ logoutUrl?: unknown } | undefined>("POST", "/auth/logout", body);
        target = safeLogoutUrl(result?.logoutUrl, globalThis.location?.href ?? "http://localhost/");
      } catch (error) {
        // Without a session the BFF has nothing to end here, so going home is right. Not for
        // "everywhere": with no session the BFF cannot tell whose other sessions to end, and
        // saying nothing would leave them running while the person thinks they are gone.
        if (!(error instanceof BffError && error.status === 401) || options.everywhere) throw error;
      }
      navigate(target);
    },

    onUnauthenticated(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
