/**
 * The slice of oidc-provider v9 (which ships no type declarations) that the
 * local IdP uses. Only what `provider-config.ts`, `interactions.ts` and
 * `start-idp.ts` touch is declared, so a wrong call still fails to compile.
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface OidcClient {
    readonly clientId: string;
    readonly clientName?: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface OidcSession {
    readonly accountId?: string;
    grantIdFor(clientId: string): string | undefined;
  }

  export interface OidcToken {
    readonly kind: string;
    readonly accountId?: string;
    readonly clientId?: string;
  }

  export interface OidcContext {
    readonly params: Record<string, unknown>;
    readonly client?: OidcClient;
    readonly session?: OidcSession;
    readonly account?: { readonly accountId: string };
    readonly result?: { readonly consent?: { readonly grantId?: string } };
    readonly requestParamScopes: Set<string>;
    readonly provider: Provider;
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
    /** What was stored with `interactionResult`; the local IdP keeps its pending second factor here. */
    readonly result?: Readonly<Record<string, unknown>>;
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
  };

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    proxy: boolean;
    readonly Grant: GrantConstructor;
    readonly Client: { find(clientId: string): Promise<OidcClient | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    /** Stores a result in the interaction (server-side) without answering; returns the resume URL. */
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults | Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    on(event: "grant.success", listener: (ctx: KoaContextWithOIDC) => void): this;
    on(event: "server_error", listener: (ctx: KoaContextWithOIDC, error: Error) => void): this;
  }
}
