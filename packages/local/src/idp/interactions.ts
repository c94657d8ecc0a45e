import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_CODE_ATTEMPTS } from "@spa-bff/auth-challenge";
import type { Logger } from "@spa-bff/core";
import type Provider from "oidc-provider";
import type { Interaction } from "oidc-provider";
import type { LocalCustomAuth, LocalCustomAuthResult } from "../cognito/hosted-second-factor.ts";
import { authenticateUser, type DemoUser, findUserBySub } from "./demo-users.ts";
import {
  codeExpiredMessage,
  incorrectCodeMessage,
  loginFailedMessage,
  pageHeaders,
  renderCodePage,
  renderErrorPage,
  renderLoginPage,
  tooManyCodesMessage,
} from "./pages.ts";
import { cognitoAttributes } from "./second-factor.ts";

const interactionPath = /^\/interaction\/([A-Za-z0-9_-]{1,64})$/;
const maxFormBytes = 8 * 1024;

export interface InteractionRoutesOptions {
  readonly provider: Provider;
  readonly users: readonly DemoUser[];
  /** Display names by client id, for "to continue to …". */
  readonly clientNames: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** Runs the code step for users with `secondFactor` (Cognito's custom auth over the real triggers). */
  readonly secondFactor: LocalCustomAuth;
}

/**
 * A second factor under way, kept in the interaction (server-side, bound to
 * the browser by oidc-provider's interaction cookie): the form carries only
 * the code, never who is signing in or which challenge it answers.
 */
interface PendingSecondFactor {
  readonly accountId: string;
  readonly transaction: string;
  readonly destination: string;
  /** Wrong codes so far, to tell "too many" from "expired" when the flow fails. */
  readonly wrong: number;
}

const pendingKey = "localSecondFactor";
const maxCodeLength = 32;

function pendingOf(interaction: Interaction): PendingSecondFactor | undefined {
  const value = interaction.result?.[pendingKey];
  if (typeof value !== "object" || value === null) return undefined;
  const { accountId, transaction, destination, wrong } = value as Record<string, unknown>;
  if (typeof accountId !== "string" || typeof transaction !== "string" || typeof destination !== "string" || typeof wrong !== "number") {
    return undefined;
  }
  return { accountId, transaction, destination, wrong };
}

interface PageContext {
  readonly action: string;
  readonly clientName: string;
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
async function grantMissing(provider: Provider, interaction: Interaction): Promise<string> {
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
  return grant.save();
}

/**
 * The login interaction of the local IdP: `GET /interaction/:uid` shows
 * the sign-in form, `POST /interaction/:uid` checks the credentials. The
 * returned function answers `true` when it handled the request, so the
 * caller passes everything else to oidc-provider.
 */
export function createInteractionRoutes(
  options: InteractionRoutesOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { provider, users, clientNames, logger, secondFactor } = options;

  async function storePending(req: IncomingMessage, res: ServerResponse, pending: PendingSecondFactor | undefined): Promise<void> {
    await provider.interactionResult(req, res, pending ? { [pendingKey]: pending } : {}, { mergeWithLastSubmission: false });
  }

  /** After a correct password for a user with a second factor: send a code and ask for it. */
  async function beginSecondFactor(req: IncomingMessage, res: ServerResponse, user: DemoUser, page: PageContext): Promise<void> {
    const step = await secondFactor.begin({ username: user.username, userAttributes: cognitoAttributes(user), passwordVerified: true });
    if (step.status !== "challenge") {
      logger.info("second factor could not start", { event: "second_factor_failed", sub: user.sub });
      sendPage(res, 401, renderLoginPage({ ...page, username: user.username, error: loginFailedMessage }));
      return;
    }
    const destination = step.publicParameters.DESTINATION ?? "your email address";
    await storePending(req, res, { accountId: user.sub, transaction: step.transaction, destination, wrong: 0 });
    logger.info("second factor required", { event: "second_factor_required", sub: user.sub });
    sendPage(res, 200, renderCodePage({ ...page, destination }));
  }

  async function answerSecondFactor(
    req: IncomingMessage,
    res: ServerResponse,
    pending: PendingSecondFactor,
    code: string,
    page: PageContext,
  ) {
    const step: LocalCustomAuthResult = await secondFactor.answer(pending.transaction, code.trim().slice(0, maxCodeLength));
    if (step.status === "success") {
      logger.info("login succeeded", { event: "login_succeeded", sub: pending.accountId, secondFactor: true });
      await provider.interactionFinished(req, res, { login: { accountId: pending.accountId } }, { mergeWithLastSubmission: false });
      return;
    }
    const wrong = pending.wrong + 1;
    if (step.status === "challenge") {
      const destination = step.publicParameters.DESTINATION ?? pending.destination;
      await storePending(req, res, { accountId: pending.accountId, transaction: step.transaction, destination, wrong });
      logger.info("second factor incorrect", { event: "second_factor_incorrect", sub: pending.accountId, attempt: wrong });
      sendPage(res, 401, renderCodePage({ ...page, destination, error: incorrectCodeMessage }));
      return;
    }
    // The flow is over (too many wrong codes, or its step expired): start again at the password.
    await storePending(req, res, undefined);
    const tooMany = wrong >= MAX_CODE_ATTEMPTS;
    logger.info("second factor failed", {
      event: "second_factor_failed",
      sub: pending.accountId,
      reason: tooMany ? "too_many_codes" : "expired",
    });
    const username = findUserBySub(users, pending.accountId)?.username;
    sendPage(
      res,
      401,
      renderLoginPage({ ...page, ...(username ? { username } : {}), error: tooMany ? tooManyCodesMessage : codeExpiredMessage }),
    );
  }

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
      const grantId = await grantMissing(provider, interaction);
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    if (interaction.prompt.name !== "login") {
      sendPage(res, 400, renderErrorPage("invalid_request", "This sign-in step is not supported."));
      return;
    }
    const page: PageContext = { action, clientName };
    const pending = pendingOf(interaction);
    if (req.method === "GET") {
      sendPage(res, 200, pending ? renderCodePage({ ...page, destination: pending.destination }) : renderLoginPage(page));
      return;
    }

    const form = await readForm(req);
    const code = form.get("code");
    if (pending && code !== null) {
      await answerSecondFactor(req, res, pending, code, page);
      return;
    }
    const username = form.get("username") ?? "";
    const user = authenticateUser(users, username, form.get("password") ?? "");
    if (!user) {
      // No username in the log: people sometimes type their password into that field.
      logger.info("login failed", { event: "login_failed" });
      sendPage(res, 401, renderLoginPage({ action, clientName, username, error: loginFailedMessage }));
      return;
    }
    if (user.secondFactor) {
      await beginSecondFactor(req, res, user, page);
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
