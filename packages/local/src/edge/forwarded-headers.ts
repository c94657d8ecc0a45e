import { viewerAddressHeader } from "@spa-bff/core/infra";

/**
 * Headers that describe one connection, not the request (RFC 9110 §7.6.1).
 * CloudFront drops them before the origin, and so does the local edge.
 */
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** True for a header that belongs to one connection; the edge never passes one on, in either direction. */
export function isHopByHop(name: string): boolean {
  return hopByHop.has(name.toLowerCase());
}

/** The client's address as the edge saw it, never the client's own claim: the header the deployed Router's function sets (the declaration's). */
export const viewerIpHeader = viewerAddressHeader;

/** Client connection facts the edge adds, as CloudFront does for its origin. */
export interface ForwardingFacts {
  readonly clientIp: string;
  /** The edge's own host, e.g. `localhost:3000`. */
  readonly host: string;
  readonly port: number;
}

/**
 * Turns the browser's raw headers into what the origin sees behind CloudFront:
 * hop-by-hop headers (and any header the `Connection` header names) removed,
 * `x-forwarded-for` with the client IP appended, `x-forwarded-proto` and
 * `x-forwarded-port` set, `x-viewer-ip` set to the client's address (any
 * client-sent value dropped), and `host` set to the edge's host. Names are
 * lower-cased; order and repetition are kept.
 */
export function forwardHeaders(rawHeaders: readonly string[], facts: ForwardingFacts): Array<[string, string]> {
  const named = new Set<string>();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if ((rawHeaders[index] as string).toLowerCase() === "connection") {
      for (const token of (rawHeaders[index + 1] as string).split(",")) named.add(token.trim().toLowerCase());
    }
  }
  const out: Array<[string, string]> = [];
  const priorForwardedFor: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] as string).toLowerCase();
    const value = rawHeaders[index + 1] as string;
    if (hopByHop.has(name) || named.has(name)) continue;
    if (name === "host" || name === "x-forwarded-proto" || name === "x-forwarded-port" || name === viewerIpHeader) continue;
    if (name === "x-forwarded-for") {
      priorForwardedFor.push(value);
      continue;
    }
    out.push([name, value]);
  }
  out.push(["host", facts.host]);
  out.push(["x-forwarded-for", [...priorForwardedFor, facts.clientIp].join(", ")]);
  out.push(["x-forwarded-proto", "http"]);
  out.push(["x-forwarded-port", String(facts.port)]);
  // The deployed Router's viewer-request function sets this from CloudFront's
  // own view of the client, overwriting whatever the client sent (stacks/web.ts).
  out.push([viewerIpHeader, facts.clientIp]);
  return out;
}
