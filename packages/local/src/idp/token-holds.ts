import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Where a token request is held: `before` the IdP processes it (so nothing
 * changes at the IdP), or `after` it was processed and answered (the refresh
 * token has rotated), before the answer is sent.
 */
export type HoldPhase = "before" | "after";

/** What {@link TokenHolds.hold} holds. */
export interface HoldTokenRequestsOptions {
  /**
   * The token request's `grant_type`: `refresh_token`, `authorization_code`,
   * `client_credentials`. `refresh_token` also matches the local Cognito
   * API's refreshes (`GetTokensFromRefreshToken`, `InitiateAuth` with
   * `REFRESH_TOKEN_AUTH`), so a branded stage's refresh can be held too.
   */
  readonly grantType: string;
  /** How many of the next matching requests to hold. Default 1. */
  readonly count?: number;
  readonly phase: HoldPhase;
}

export interface ReleaseOptions {
  /**
   * `before` phase only: answer the held requests with this OAuth error
   * (status 400; `NotAuthorizedException` on the Cognito API) without
   * processing them, as an IdP that refuses the refresh would.
   */
  readonly reject?: "invalid_grant";
}

/**
 * What became of one held request: `processed` (released to the IdP),
 * `rejected` (answered with the `reject` error, never processed),
 * `dropped` (its client had gone at the release: never processed, as if it
 * never arrived), `sent` (its answer went to the client) or `lost` (its
 * client had gone: the tokens of that answer reach no one, as in AWS).
 */
export type HeldOutcome = "processed" | "rejected" | "dropped" | "sent" | "lost";

/** The requests one call of {@link TokenHolds.hold} holds. */
export interface HeldTokenRequests {
  /** Resolves once `count` requests are held; rejects if `release()` came first. */
  readonly held: Promise<void>;
  /**
   * Resolves once `count` requests are held and the client of every one of
   * them has disconnected (say, its BFF instance was ended by its timeout),
   * so a test can release knowing they will be dropped or lost; rejects if
   * `release()` came first.
   */
  readonly disconnected: Promise<void>;
  /** Resolves after `release()`, once each held request's outcome is known, in the order they were held. */
  readonly settled: Promise<HeldOutcome[]>;
  /**
   * Lets the held requests go: `before` ones are then processed normally
   * (or answered with `reject` without being processed), `after` ones send
   * the answer they already got. A request whose client has gone is dropped
   * (`before`) or its answer lost (`after`). Also stops holding: requests
   * beyond those already held pass normally. A second call does nothing.
   */
  release(options?: ReleaseOptions): void;
  /** The refresh tokens in the held answers (`after` phase only), so a test can check they end up unusable. */
  issuedRefreshTokens(): string[];
}

/** What to do with a request once its `before` hold ends. */
export type ProcessDecision =
  | { readonly action: "process" }
  | { readonly action: "drop" }
  | { readonly action: "reject"; readonly error: "invalid_grant" };

/**
 * One held request, as the server that received it sees it. Both methods
 * answer at once for the phase the request is not held in.
 */
export interface HeldRequestTicket {
  /** Waits for the release of a `before` hold; says whether to process the request, drop it or reject it. */
  beforeProcessing(): Promise<ProcessDecision>;
  /** Waits for the release of an `after` hold, given the answer's refresh token; `false`: the client is gone, send nothing. */
  beforeSending(refreshToken: string | undefined): Promise<boolean>;
}

/** The holds of one IdP: tests register them; the token endpoints claim a ticket per request. */
export interface TokenHolds {
  hold(options: HoldTokenRequestsOptions): HeldTokenRequests;
  /** `true` while some hold still waits for requests; with none, servers must not even read a body for it. */
  readonly active: boolean;
  /** A ticket if a hold takes this request (the first registered one with room), `undefined` otherwise. */
  claim(grantType: string, req: IncomingMessage, res: ServerResponse): HeldRequestTicket | undefined;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A deferred that nobody has to await: rejecting it must not surface as an unhandled rejection. */
function optionalDeferred<T>(): Deferred<T> {
  const result = deferred<T>();
  result.promise.catch(() => undefined);
  return result;
}

/** An open hold, while it still has room. */
interface Registration {
  readonly grantType: string;
  readonly phase: HoldPhase;
  add(entry: HeldEntry): HeldRequestTicket;
  /** A held request's client went away. */
  onGone(): void;
}

interface HeldEntry {
  readonly phase: HoldPhase;
  /** It has reached the point where it is held (`after`: once answered). */
  waiting: boolean;
  gone(): boolean;
  outcome: HeldOutcome | undefined;
  refreshToken: string | undefined;
}

/**
 * For tests only, and in process only (no route reaches them): holds chosen
 * token requests of the local IdP so a test can freeze a BFF instance in
 * the middle of its refresh, then let the request go, refuse it, or drop
 * it. With no hold registered, nothing changes for any request.
 *
 * @example
 * const holds = createTokenHolds();
 * const hold = holds.hold({ grantType: "refresh_token", phase: "before" });
 * // … a BFF instance starts a refresh …
 * await hold.held;
 * hold.release({ reject: "invalid_grant" });
 */
export function createTokenHolds(): TokenHolds {
  const open: Registration[] = [];

  function hold(options: HoldTokenRequestsOptions): HeldTokenRequests {
    const count = options.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new TypeError('"count" must be a positive integer');
    if (options.phase !== "before" && options.phase !== "after") throw new TypeError('"phase" must be "before" or "after"');
    const entries: HeldEntry[] = [];
    const held = optionalDeferred<void>();
    const disconnected = optionalDeferred<void>();
    const settled = deferred<HeldOutcome[]>();
    const release = deferred<ReleaseOptions>();
    let released = false;

    const settleIfDone = () => {
      if (released && entries.every((entry) => entry.outcome !== undefined))
        settled.resolve(entries.map((entry) => entry.outcome ?? "dropped"));
    };
    const allWaiting = () => entries.length === count && entries.every((entry) => entry.waiting);
    const checkDisconnected = () => {
      if (allWaiting() && entries.every((entry) => entry.gone())) disconnected.resolve();
    };
    const reachedHold = (entry: HeldEntry) => {
      entry.waiting = true;
      if (allWaiting()) held.resolve();
      checkDisconnected();
    };
    const registration: Registration = {
      grantType: options.grantType,
      phase: options.phase,
      add(entry) {
        entries.push(entry);
        if (entries.length === count) open.splice(open.indexOf(registration), 1);
        // A `before` request waits from now on; an `after` one only once it has been answered.
        if (entry.phase === "before") reachedHold(entry);
        return {
          async beforeProcessing() {
            if (entry.phase !== "before") return { action: "process" };
            const { reject } = await release.promise;
            const decision: ProcessDecision = entry.gone()
              ? { action: "drop" }
              : reject
                ? { action: "reject", error: reject }
                : { action: "process" };
            entry.outcome = decision.action === "drop" ? "dropped" : decision.action === "reject" ? "rejected" : "processed";
            settleIfDone();
            return decision;
          },
          async beforeSending(refreshToken) {
            if (entry.phase !== "after") return true;
            entry.refreshToken = refreshToken;
            reachedHold(entry);
            await release.promise;
            const deliver = !entry.gone();
            entry.outcome = deliver ? "sent" : "lost";
            settleIfDone();
            return deliver;
          },
        };
      },
      onGone: checkDisconnected,
    };
    open.push(registration);

    return {
      held: held.promise,
      disconnected: disconnected.promise,
      settled: settled.promise,
      release(releaseOptions = {}) {
        if (released) return;
        released = true;
        const index = open.indexOf(registration);
        if (index >= 0) open.splice(index, 1);
        const early = new Error(`released with ${entries.filter((entry) => entry.waiting).length} of ${count} requests held`);
        held.reject(early);
        disconnected.reject(early);
        release.resolve(releaseOptions);
        settleIfDone();
      },
      issuedRefreshTokens: () => entries.flatMap((entry) => (entry.refreshToken ? [entry.refreshToken] : [])),
    };
  }

  return {
    hold,
    get active() {
      return open.length > 0;
    },
    claim(grantType, req, res) {
      const registration = open.find((candidate) => candidate.grantType === grantType);
      if (!registration) return undefined;
      let closed = false;
      // `close` on the response before it finished means the connection went away (the request's own
      // `close` fires as soon as its body is read, so it says nothing about the client).
      res.once("close", () => {
        if (!res.writableFinished) closed = true;
        registration.onGone();
      });
      const entry: HeldEntry = {
        phase: registration.phase,
        gone: () => closed || req.socket.destroyed,
        waiting: false,
        outcome: undefined,
        refreshToken: undefined,
      };
      return registration.add(entry);
    },
  };
}
