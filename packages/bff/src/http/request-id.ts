import { randomUUID } from "node:crypto";

const safeId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id that ties a request's log lines to the upstream's: the platform's
 * request id, else a well-formed client `x-request-id`, else a new one.
 * A client value is accepted only in a safe shape (it ends up in logs and
 * an upstream header).
 */
export function requestIdOf(headers: Record<string, string>, platformId: string | undefined): string {
  if (platformId && safeId.test(platformId)) return platformId;
  const header = headers["x-request-id"];
  if (header && safeId.test(header)) return header;
  return randomUUID();
}
