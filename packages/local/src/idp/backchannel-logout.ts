import { decodeJwt } from "jose";
import type Provider from "oidc-provider";

type OutgoingFetch = (url: string | URL, options: RequestInit & { dispatcher?: unknown }) => Promise<Response>;

/** One logout token the IdP sent (OIDC Back-Channel Logout 1.0), and how the client answered. */
export interface BackchannelLogoutRecord {
  readonly clientId: string;
  readonly sub: string;
  /** The IdP session's `sid` for that client, as its ID tokens carried it. */
  readonly sid: string | undefined;
  /** `delivered`: the client answered 200 or 204; `failed`: any other answer, a timeout or no connection. */
  readonly outcome: "delivered" | "failed";
  /** Why it failed (oidc-provider's message, e.g. `expected 200 OK from …, got: 400 Bad Request`); never a token. */
  readonly error?: string;
  /**
   * The logout token as sent, so a test can replay or alter it. Kept in
   * this in-process record only: it is never logged.
   */
  readonly token: string;
}

/** The logout tokens sent so far, for tests and the developer. */
export interface BackchannelLogouts {
  /** Every logout token sent so far, oldest first. */
  readonly sent: readonly BackchannelLogoutRecord[];
}

/** Records the logout tokens one IdP sends: its outgoing `fetch` sees each token, its events each outcome. */
export interface BackchannelLogoutRecorder {
  /** oidc-provider's `fetch` setting: {@link loopbackFetch}, keeping each logout token it posts. */
  readonly fetch: OutgoingFetch;
  attach(provider: Provider): BackchannelLogouts;
}

/**
 * Records each logout token oidc-provider sends when a browser ends its IdP
 * session at the end-session endpoint. The sending itself is
 * oidc-provider's (`features.backchannelLogout`); it finishes before the
 * end-session answer is sent, so a test can read the record right after.
 * oidc-provider's events carry the client, `sub` and `sid` but not the
 * token, so the token is taken from the request body as it leaves and
 * matched to its event by the same three values.
 */
export function createBackchannelLogoutRecorder(): BackchannelLogoutRecorder {
  const sent: BackchannelLogoutRecord[] = [];
  const leaving: { clientId: string; sub: string; sid: string | undefined; token: string }[] = [];
  const takeToken = (clientId: string, sub: string, sid: string | undefined): string => {
    const index = leaving.findIndex((one) => one.clientId === clientId && one.sub === sub && one.sid === sid);
    if (index < 0) return "";
    const [one] = leaving.splice(index, 1);
    return one?.token ?? "";
  };
  return {
    fetch: (url, options) => {
      const token = options.body instanceof URLSearchParams ? options.body.get("logout_token") : null;
      if (token) {
        const claims = decodeClaims(token);
        if (claims) leaving.push({ ...claims, token });
      }
      return loopbackFetch(url, options);
    },
    attach(provider) {
      provider.on("backchannel.success", (_ctx, client, accountId, sid) => {
        const token = takeToken(client.clientId, accountId, sid);
        sent.push({ clientId: client.clientId, sub: accountId, sid, outcome: "delivered", token });
      });
      provider.on("backchannel.error", (_ctx, error, client, accountId, sid) => {
        const token = takeToken(client.clientId, accountId, sid);
        sent.push({ clientId: client.clientId, sub: accountId, sid, outcome: "failed", error: error.message, token });
      });
      return {
        get sent() {
          return [...sent];
        },
      };
    },
  };
}

/** The claims that pair a token with its event. The token is the IdP's own, just signed: reading is enough here. */
function decodeClaims(token: string): { clientId: string; sub: string; sid: string | undefined } | undefined {
  try {
    const payload = decodeJwt(token);
    const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    if (typeof aud !== "string" || typeof payload.sub !== "string") return undefined;
    return { clientId: aud, sub: payload.sub, sid: typeof payload.sid === "string" ? payload.sid : undefined };
  } catch {
    return undefined;
  }
}

/**
 * oidc-provider's outgoing `fetch` (its only outgoing requests here are
 * logout tokens) without its SSRF guard, which drops connections to
 * special-use addresses such as 127.0.0.1. The local IdP only registers a
 * loopback `backchannel_logout_uri` (startIdp refuses any other), so the
 * guard would refuse exactly the requests it exists to make.
 */
export const loopbackFetch: OutgoingFetch = (url, options) => {
  const { dispatcher: _guard, ...rest } = options;
  return globalThis.fetch(url, rest);
};
