import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@spa-bff/core";
import type Provider from "oidc-provider";
import type { Interaction } from "oidc-provider";
import { authenticateUser, type DemoUser } from "./demo-users.ts";
import { loginFailedMessage, pageHeaders, renderErrorPage, renderLoginPage } from "./pages.ts";

const interactionPath = /^\/interaction\/([A-Za-z0-9_-]{1,64})$/;
const maxFormBytes = 8 * 1024;

export interface InteractionRoutesOptions {
  readonly provider: Provider;
  readonly users: readonly DemoUser[];
  /** Display names by client id, for "to continue to …". */
  readonly clientNames: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** Told each grant the consent step saves, as for those saved at an authorization. */
  readonly onGrantSaved?: (accountId: string, grantId: string) => void;
}

class FormTooLargeError extends Error {
  override readonly name = "FormTooLargeError";
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...pageHeaders(), "content-length": Buffer.byteLength(html) });
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxFormBytes) throw new FormTooLargeError("form too large");
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** oidc-provider's client errors (expired interaction, missing cookie) carry an OAuth code and a status below 500. */
function clientError(error: unknown): { status: number; code: string; description: string | undefined } | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const {
    statusCode,
    error: code,
    error_description: description,
  } = error as {
    statusCode?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  if (typeof statusCode !== "number" || statusCode >= 500 || typeof code !== "string") return undefined;
  return { status: statusCode, code, description: typeof description === "string" ? description : undefined };
}

/**
 * The consent step, granted without asking (first-party client). The
 * configuration's `loadExistingGrant` normally grants everything before a
 * consent prompt can arise; this covers any prompt it did not foresee.
 */
async function grantMissing(
  provider: Provider,
  interaction: Interaction,
  onGrantSaved: InteractionRoutesOptions["onGrantSaved"],
): Promise<string> {
  const { details } = interaction.prompt;
  const accountId = interaction.session?.accountId;
  const clientId = interaction.params.client_id;
  if (!accountId || typeof clientId !== "string") throw new Error("consent interaction without a session or client");
  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const missingScope = details.missingOIDCScope;
  if (Array.isArray(missingScope) && missingScope.length > 0) grant.addOIDCScope(missingScope.join(" "));
  const missingClaims = details.missingOIDCClaims;
  if (Array.isArray(missingClaims) && missingClaims.length > 0) grant.addOIDCClaims(missingClaims.map(String));
  const missingResourceScopes = details.missingResourceScopes;
  if (typeof missingResourceScopes === "object" && missingResourceScopes !== null) {
    for (const [resource, scopes] of Object.entries(missingResourceScopes)) {
      if (Array.isArray(scopes) && scopes.length > 0) grant.addResourceScope(resource, scopes.join(" "));
    }
  }
  const grantId = await grant.save();
  onGrantSaved?.(accountId, grantId);
  return grantId;
}

/**
 * The login interaction of the local IdP: `GET /interaction/:uid` shows
 * the sign-in form, `POST /interaction/:uid` checks the password, and that
 * is all: like Cognito's managed login, the hosted page never runs the
 * custom challenge (Define/Create/Verify run only through the Cognito API's
 * `InitiateAuth` with `CUSTOM_AUTH`, the branded sign-in). The returned
 * function answers `true` when it handled the request, so the caller passes
 * everything else to oidc-provider.
 */
export function createInteractionRoutes(
  options: InteractionRoutesOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { provider, users, clientNames, logger, onGrantSaved } = options;

  async function handle(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const interaction = await provider.interactionDetails(req, res);
    if (interaction.uid !== uid) {
      sendPage(res, 400, renderErrorPage("invalid_request", "This sign-in link does not match your sign-in session."));
      return;
    }
    const clientId = interaction.params.client_id;
    const clientName = (typeof clientId === "string" ? clientNames[clientId] : undefined) ?? "the application";
    const action = `/interaction/${uid}`;

    if (interaction.prompt.name === "consent") {
      const grantId = await grantMissing(provider, interaction, onGrantSaved);
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    if (interaction.prompt.name !== "login") {
      sendPage(res, 400, renderErrorPage("invalid_request", "This sign-in step is not supported."));
      return;
    }
    if (req.method === "GET") {
      sendPage(res, 200, renderLoginPage({ action, clientName }));
      return;
    }

    const form = await readForm(req);
    const username = form.get("username") ?? "";
    const user = authenticateUser(users, username, form.get("password") ?? "");
    if (!user) {
      // No username in the log: people sometimes type their password into that field.
      logger.info("login failed", { event: "login_failed" });
      sendPage(res, 401, renderLoginPage({ action, clientName, username, error: loginFailedMessage }));
      return;
    }
    logger.info("login succeeded", { event: "login_succeeded", sub: user.sub });
    await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://idp.invalid");
    const match = interactionPath.exec(url.pathname);
    if (!match?.[1]) return false;
    if (req.method !== "GET" && req.method !== "POST") {
      res.setHeader("allow", "GET, POST");
      sendPage(res, 405, renderErrorPage("invalid_request", "Method not allowed."));
      return true;
    }
    try {
      await handle(req, res, match[1]);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return true;
      }
      if (error instanceof FormTooLargeError) {
        sendPage(res, 413, renderErrorPage("invalid_request", "The form was too large."));
        return true;
      }
      const known = clientError(error);
      if (known) {
        sendPage(
          res,
          known.status,
          renderErrorPage(known.code, "Your sign-in session has expired or is invalid. Return to the application and sign in again."),
        );
        return true;
      }
      logger.error("interaction failed", { event: "interaction_error", errorName: error instanceof Error ? error.name : typeof error });
      sendPage(res, 500, renderErrorPage("server_error", "The sign-in could not be completed."));
    }
    return true;
  };
}
