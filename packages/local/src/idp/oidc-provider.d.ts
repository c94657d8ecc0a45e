/**
 * The slice of oidc-provider v9 (which ships no type declarations) that the
 * local IdP uses. Only what the files of this folder touch is declared, so
 * a wrong call still fails to compile.
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface OidcClient {
    readonly clientId: string;
    readonly clientName?: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  /** oidc-provider's server-side browser session (the `_session` cookie names it). */
  export interface OidcBrowserSession {
    readonly accountId?: string;
    destroy(): Promise<void>;
  }

  export interface OidcSession {
    readonly accountId?: string;
    grantIdFor(clientId: string): string | undefined;
  }

  export interface OidcToken {
    readonly kind: string;
    readonly accountId?: string;
    readonly clientId?: string;
    readonly grantId?: string;
  }

  /** A stored (opaque) refresh token; `iat`/`exp` in epoch seconds. */
  export interface OidcRefreshToken extends OidcToken {
    readonly iat: number;
    readonly exp: number;
    /** Seconds until it expires. */
    readonly remainingTTL: number;
    readonly consumed?: unknown;
  }

  export interface OidcContext {
    readonly params: Record<string, unknown>;
    readonly client?: OidcClient;
    readonly session?: OidcSession;
    readonly account?: { readonly accountId: string };
    readonly result?: { readonly consent?: { readonly grantId?: string } };
    readonly requestParamScopes: Set<string>;
    readonly provider: Provider;
    readonly route?: string;
    readonly entities: { readonly RotatedRefreshToken?: OidcRefreshToken };
  }

  /** The Koa context oidc-provider passes to its configuration callbacks. */
  export interface KoaContextWithOIDC {
    readonly oidc: OidcContext;
    body: unknown;
    type: string;
    status: number;
    readonly host: string;
    set(field: string, value: string): void;
  }

  /** The Koa context of middleware added with `provider.use` (no `oidc` yet: it runs before the routes). */
  export interface KoaContext {
    /** The request oidc-provider reads (its body too): middleware may replace it with one that replays a body it read. */
    req: IncomingMessage;
    readonly res: ServerResponse;
    /** `false`: Koa sends nothing, the middleware took care of the response (or there is no one to send it to). */
    respond: boolean;
    readonly method: string;
    readonly path: string;
    readonly query: Readonly<Record<string, string | string[] | undefined>>;
    readonly querystring: string;
    readonly cookies: { set(name: string, value: string | null, options?: Record<string, unknown>): void };
    body: unknown;
    type: string;
    status: number;
    set(field: string, value: string): void;
    redirect(url: string): void;
  }

  export type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

  export interface InteractionPrompt {
    readonly name: string;
    readonly reasons: string[];
    readonly details: Record<string, unknown>;
  }

  export interface Interaction {
    readonly uid: string;
    readonly prompt: InteractionPrompt;
    readonly params: Record<string, unknown>;
    readonly session?: { readonly accountId: string };
    readonly grantId?: string;
  }

  export interface InteractionResults {
    login?: { accountId: string; remember?: boolean };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
  }

  export interface Grant {
    readonly jti: string;
    readonly accountId: string;
    readonly clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
    destroy(): Promise<void>;
  }

  export interface GrantConstructor {
    new (properties: { clientId: string; accountId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface ErrorOut {
    readonly error: string;
    readonly error_description?: string;
    readonly state?: string;
    readonly iss?: string;
  }

  export type Configuration = Record<string, unknown>;

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
    InvalidScope: new (description: string, scope: string) => Error;
    InvalidRequest: new (description: string) => Error;
  };

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    proxy: boolean;
    readonly Grant: GrantConstructor;
    readonly Client: { find(clientId: string): Promise<OidcClient | undefined> };
    readonly Session: { get(ctx: KoaContext): Promise<OidcBrowserSession> };
    readonly RefreshToken: {
      find(value: string): Promise<OidcRefreshToken | undefined>;
      revokeByGrantId(grantId: string): Promise<void>;
    };
    readonly AuthorizationCode: { revokeByGrantId(grantId: string): Promise<void> };
    /** The cookie name of a kind (`session` is the IdP session's). */
    cookieName(kind: "session" | "interaction" | "resume"): string;
    /** Koa middleware that runs before oidc-provider's own routes. */
    use(middleware: KoaMiddleware): this;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: "grant.success", listener: (ctx: KoaContextWithOIDC) => void): this;
    on(event: "server_error", listener: (ctx: KoaContextWithOIDC, error: Error) => void): this;
    on(
      event: "backchannel.success",
      listener: (ctx: KoaContextWithOIDC, client: OidcClient, accountId: string, sid: string | undefined) => void,
    ): this;
    on(
      event: "backchannel.error",
      listener: (ctx: KoaContextWithOIDC, error: Error, client: OidcClient, accountId: string, sid: string | undefined) => void,
    ): this;
  }
}
