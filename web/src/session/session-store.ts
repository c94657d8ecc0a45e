import {
  type BffClient,
  BffError,
  type LoginMode,
  type LogoutOptions,
  type SessionInfo,
  type SessionUser,
  type SignInMethod,
} from "../bff.ts";

/**
 * Why the app shows its logged-out screen, so it can say so: `expired` (the
 * session is gone, cause unknown), `elsewhere` (another tab of this browser
 * logged out), `ended` (the BFF said the session was ended from outside:
 * another browser, "log out everywhere", an operator or the IdP).
 */
export type LoggedOutReason = "none" | "expired" | "elsewhere" | "ended";

/**
 * The codes by which the BFF says a session was ended on purpose rather
 * than timed out (a 401's `error`, or the `reason` of a logged-out
 * `/auth/session`). A revoked session and an expired one otherwise look alike
 * from here (both a plain `unauthenticated`), so without such a code the
 * store says only that the session ended.
 */
export const ENDED_ELSEWHERE_CODES: ReadonlySet<string> = new Set(["session_revoked"]);

export type SessionState =
  | { status: "loading" }
  | {
      status: "authenticated";
      user: SessionUser;
      expiresAt: string;
      /** How the user signed in; absent when the BFF does not say. */
      signInMethod?: SignInMethod;
      refreshing: boolean;
      error: BffError | null;
    }
  | { status: "anonymous"; reason: LoggedOutReason; login: LoginMode; refreshing: boolean; error: BffError | null }
  | { status: "signing-out" }
  | { status: "error"; error: BffError; refreshing: boolean };

/**
 * What the store sends to the other tabs on `BroadcastChannel("bff-session")`.
 * `ended` says the session was ended from outside this browser, so the other
 * tabs say that too rather than "you logged out in another tab".
 */
export type SessionMessage = { type: "login" } | { type: "logout"; ended?: true };

/** The part of `BroadcastChannel` the store uses, so tests can pass a real one or a stand-in. */
export interface SessionChannel {
  postMessage(message: SessionMessage): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

/** Why the page asks again: it got focus, became visible, or came back from the back/forward cache. */
export type ActivityKind = "focus" | "visible" | "restored";

/** The page events that mean "look again". */
export interface ActivitySource {
  subscribe(onActive: (kind: ActivityKind) => void): () => void;
}

export interface SessionStoreOptions {
  client: BffClient;
  channel?: SessionChannel | null;
  activity?: ActivitySource | null;
  pollMs?: number;
  now?: () => number;
}

export interface SessionStore {
  getSnapshot(): SessionState;
  /** For `useSyncExternalStore`; polling runs while anyone is subscribed. */
  subscribe(listener: () => void): () => void;
  /** Asks the BFF again; concurrent callers share one request. */
  refresh(): Promise<void>;
  /**
   * Ends the session (with `everywhere`, every session of the user) and leaves
   * for the IdP; tells the other tabs of this browser on the channel.
   */
  logout(options?: LogoutOptions): Promise<void>;
  /** Stops listening to the channel and the client; for tests and teardown. */
  dispose(): void;
}

export const SESSION_CHANNEL_NAME = "bff-session";
const DEFAULT_POLL_MS = 60_000;
// setTimeout overflows past 2^31-1 ms and would fire at once.
const MAX_TIMER_MS = 2_147_483_647;

function isSessionMessage(value: unknown): value is SessionMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === "login" || type === "logout";
}

/**
 * One session state for the whole app: polled once (not per component),
 * re-checked on focus and visibility, flipped to logged out by any 401, and
 * kept in step with the other tabs through a BroadcastChannel.
 *
 * @example
 * ```ts
 * const store = createSessionStore({ client, channel: new BroadcastChannel(SESSION_CHANNEL_NAME) });
 * const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
 * ```
 */
export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const { client, channel = null, activity = null, pollMs = DEFAULT_POLL_MS, now = Date.now } = options;
  const listeners = new Set<() => void>();
  let state: SessionState = { status: "loading" };
  let inFlight: Promise<void> | null = null;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopActivity: (() => void) | undefined;
  // Which login the BFF offers, as its last logged-out answer said; unknown until it has said so once.
  let login: LoginMode | null = null;
  // Counts what the tab learnt outside its own checks (another tab's message, a 401). A check whose answer
  // comes back after such news was asked before it, so its answer may be stale: it is set aside and asked again.
  let news = 0;

  function set(next: SessionState): void {
    state = next;
    scheduleExpiryCheck();
    for (const listener of listeners) listener();
  }

  function authenticatedNow(): boolean {
    return state.status === "authenticated";
  }

  // When the session's own deadline passes, look again at once instead of
  // waiting for the next poll, so an expired session never looks alive.
  function scheduleExpiryCheck(): void {
    clearTimeout(expiryTimer);
    expiryTimer = undefined;
    if (state.status !== "authenticated" || listeners.size === 0) return;
    const delay = Date.parse(state.expiresAt) - now() + 1_000;
    if (Number.isFinite(delay)) expiryTimer = setTimeout(() => void refresh(), Math.min(Math.max(delay, 0), MAX_TIMER_MS));
  }

  function announce(wasAuthenticated: boolean | null): void {
    if (wasAuthenticated === null || wasAuthenticated === authenticatedNow()) return;
    channel?.postMessage(authenticatedNow() ? { type: "login" } : loggedOutMessage());
  }

  function loggedOutMessage(): SessionMessage {
    return state.status === "anonymous" && state.reason === "ended" ? { type: "logout", ended: true } : { type: "logout" };
  }

  async function load(broadcast: boolean): Promise<void> {
    const newsAtStart = news;
    const before = state.status === "loading" || state.status === "error" ? null : authenticatedNow();
    if (state.status === "authenticated" || state.status === "anonymous" || state.status === "error") set({ ...state, refreshing: true });
    let outcome: { ok: true; info: SessionInfo } | { ok: false; cause: unknown };
    try {
      outcome = { ok: true, info: await client.session() };
    } catch (cause) {
      outcome = { ok: false, cause };
    }
    // Free the slot before publishing, so a listener that asks again gets a fresh answer.
    inFlight = null;
    if (state.status === "signing-out") return;
    // E.g. "still logged in", sent by the BFF just before another tab's logout whose message came first.
    if (news !== newsAtStart) return refreshWith(broadcast);

    if (outcome.ok) {
      const { info } = outcome;
      if (info.authenticated) {
        set({
          status: "authenticated",
          user: info.user,
          expiresAt: info.expiresAt,
          ...(info.signInMethod ? { signInMethod: info.signInMethod } : {}),
          refreshing: false,
          error: null,
        });
      } else {
        // The BFF says when the session was ended from elsewhere, whichever call (a poll, focus, a click) noticed first.
        // (News that came while this answer was on its way made the call be asked again, above.)
        const endedElsewhere = info.reason !== undefined && ENDED_ELSEWHERE_CODES.has(info.reason);
        const reason: LoggedOutReason = endedElsewhere
          ? "ended"
          : before === true
            ? "expired"
            : state.status === "anonymous"
              ? state.reason
              : "none";
        login = info.login ?? "hosted";
        set({ status: "anonymous", reason, login, refreshing: false, error: null });
      }
      if (broadcast) announce(before);
      return;
    }

    const { cause } = outcome;
    const error =
      cause instanceof BffError ? cause : new BffError("unexpected_error", 0, "Something went wrong. Please try again.", {}, { cause });
    // A 401 has already moved the state to logged out; keep that.
    if (state.status === "anonymous" && error.status === 401) {
      set({ ...state, refreshing: false });
      return;
    }
    // A failed poll must not log someone out: keep what we knew and show the error beside it.
    if (state.status === "authenticated" || state.status === "anonymous") set({ ...state, refreshing: false, error });
    else set({ status: "error", error, refreshing: false });
  }

  function refreshWith(broadcast: boolean): Promise<void> {
    inFlight ??= load(broadcast);
    return inFlight;
  }

  function refresh(): Promise<void> {
    return refreshWith(true);
  }

  const onUnauthenticated = client.onUnauthenticated((error) => {
    if (state.status === "signing-out" || state.status === "anonymous") return;
    news += 1;
    const wasAuthenticated = authenticatedNow();
    set({
      status: "anonymous",
      reason: wasAuthenticated ? (ENDED_ELSEWHERE_CODES.has(error.code) ? "ended" : "expired") : "none",
      login: login ?? "hosted",
      refreshing: login === null,
      error: null,
    });
    if (wasAuthenticated) channel?.postMessage(loggedOutMessage());
    // Logged in since the page loaded, so which login to offer was never said: ask, rather than guess.
    if (login === null) void refreshWith(false);
  });

  // Another tab logged in or out: look for ourselves rather than trust the message.
  const onMessage = (event: MessageEvent): void => {
    if (!isSessionMessage(event.data) || state.status === "signing-out") return;
    news += 1;
    const reason: LoggedOutReason = event.data.type === "logout" && event.data.ended === true ? "ended" : "elsewhere";
    if (event.data.type === "logout" && state.status === "authenticated") {
      set({ status: "anonymous", reason, login: login ?? "hosted", refreshing: true, error: null });
    } else if (event.data.type === "logout" && state.status === "anonymous" && state.reason === "expired") {
      // This tab's own check (on focus, when the other tab was clicked) saw the session gone just before the message came: say why.
      set({ ...state, reason });
    }
    void refreshWith(false);
  };
  channel?.addEventListener("message", onMessage);

  function start(): void {
    pollTimer = setInterval(() => void refresh(), pollMs);
    stopActivity = activity?.subscribe((kind) => {
      // A page frozen mid-logout and restored by the back button must not stay "signing out".
      if (kind === "restored" && state.status === "signing-out") set({ status: "loading" });
      void refresh();
    });
    scheduleExpiryCheck();
    if (state.status === "loading") void refresh();
  }

  function stop(): void {
    clearInterval(pollTimer);
    clearTimeout(expiryTimer);
    stopActivity?.();
    pollTimer = undefined;
    expiryTimer = undefined;
    stopActivity = undefined;
  }

  return {
    getSnapshot: () => state,

    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1) start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },

    refresh,

    async logout(logoutOptions = {}) {
      const previous = state;
      set({ status: "signing-out" });
      try {
        await client.logout(logoutOptions);
        channel?.postMessage({ type: "logout" });
      } catch (error) {
        // "Log out everywhere" without a session here (the client passes its 401 on): this
        // browser is logged out all the same, and the 401 listener stood aside while signing out.
        if (error instanceof BffError && error.status === 401) {
          set({ status: "anonymous", reason: "expired", login: login ?? "hosted", refreshing: login === null, error: null });
          channel?.postMessage({ type: "logout" });
          if (login === null) void refreshWith(false);
          return;
        }
        set(previous);
        throw error;
      }
    },

    dispose() {
      stop();
      onUnauthenticated();
      channel?.removeEventListener("message", onMessage);
      listeners.clear();
    },
  };
}

/** Focus, visibility and bfcache restores in a browser window. */
export function windowActivity(target: Window = window): ActivitySource {
  return {
    subscribe(onActive) {
      const onFocus = (): void => onActive("focus");
      const onVisibility = (): void => {
        if (target.document.visibilityState === "visible") onActive("visible");
      };
      // A page restored from the back/forward cache kept its old state: the session may be gone since.
      const onPageShow = (event: PageTransitionEvent): void => {
        if (event.persisted) onActive("restored");
      };
      target.addEventListener("focus", onFocus);
      target.addEventListener("pageshow", onPageShow);
      target.document.addEventListener("visibilitychange", onVisibility);
      return () => {
        target.removeEventListener("focus", onFocus);
        target.removeEventListener("pageshow", onPageShow);
        target.document.removeEventListener("visibilitychange", onVisibility);
      };
    },
  };
}
