import type Provider from "oidc-provider";

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
}

/** The logout tokens sent so far, for tests and the developer. */
export interface BackchannelLogouts {
  /** Every logout token sent so far, oldest first. */
  readonly sent: readonly BackchannelLogoutRecord[];
}

/**
 * Records each logout token oidc-provider sends when a browser ends its IdP
 * session at the end-session endpoint. The sending itself is
 * oidc-provider's (`features.backchannelLogout`); it finishes before the
 * end-session answer is sent, so a test can read the record right after.
 */
export function recordBackchannelLogouts(provider: Provider): BackchannelLogouts {
  const sent: BackchannelLogoutRecord[] = [];
  provider.on("backchannel.success", (_ctx, client, accountId, sid) => {
    sent.push({ clientId: client.clientId, sub: accountId, sid, outcome: "delivered" });
  });
  provider.on("backchannel.error", (_ctx, error, client, accountId, sid) => {
    sent.push({ clientId: client.clientId, sub: accountId, sid, outcome: "failed", error: error.message });
  });
  return {
    get sent() {
      return [...sent];
    },
  };
}

/**
 * oidc-provider's outgoing `fetch` (its only outgoing requests here are
 * logout tokens) without its SSRF guard, which drops connections to
 * special-use addresses such as 127.0.0.1. The local IdP only registers a
 * loopback `backchannel_logout_uri` (startIdp refuses any other), so the
 * guard would refuse exactly the requests it exists to make.
 */
export function loopbackFetch(url: string | URL, options: RequestInit & { dispatcher?: unknown }): Promise<Response> {
  const { dispatcher: _guard, ...rest } = options;
  return globalThis.fetch(url, rest);
}
