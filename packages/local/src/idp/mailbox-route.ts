import type { IncomingMessage, ServerResponse } from "node:http";
import { ConfigError, isLoopbackUrl } from "@spa-bff/core";
import type { LocalMailbox } from "./mailbox.ts";
import { pageHeaders, renderErrorPage, renderMailboxPage } from "./pages.ts";

export interface MailboxRouteOptions {
  /** The IdP's issuer: the page exists only when it is a loopback URL. */
  readonly issuer: string;
  readonly mailbox: LocalMailbox;
}

export const mailboxPath = "/dev/mailbox";

function send(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...pageHeaders(), ...extra, "content-length": Buffer.byteLength(html) });
  res.end(html);
}

/**
 * `GET /dev/mailbox`: the latest code per user, in clear, for the developer.
 * It would hand out second factors to anyone who can reach it, so it refuses
 * to exist on an issuer that is not loopback. Answers `true` when it handled
 * the request.
 */
export function createMailboxRoute(options: MailboxRouteOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  if (!isLoopbackUrl(options.issuer)) {
    throw new ConfigError(`Refusing to mount ${mailboxPath} on "${options.issuer}". Expected: a loopback issuer (local development only)`);
  }
  return (req, res) => {
    const path = new URL(req.url ?? "/", "http://idp.invalid").pathname;
    if (path !== mailboxPath) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, renderErrorPage("invalid_request", "Method not allowed."), { allow: "GET, HEAD" });
      return true;
    }
    send(res, 200, renderMailboxPage(options.mailbox.latestPerUser()));
    return true;
  };
}
