/**
 * Request headers passed to the API. An allowlist: cookies, `X-CSRF`,
 * `Host`, hop-by-hop, `X-Forwarded-*`, `X-Amz-*` and the client's own
 * `Authorization` never reach the upstream.
 */
const forwardedRequestHeaders = new Set([
  "accept",
  "accept-language",
  "content-type",
  "content-language",
  "if-match",
  "if-none-match",
  "if-modified-since",
  "if-unmodified-since",
]);

/** Response headers passed back to the browser; never `Set-Cookie`, never anything that names an internal host. */
const returnedResponseHeaders = new Set([
  "content-type",
  "content-language",
  "cache-control",
  "etag",
  "last-modified",
  "expires",
  "vary",
  "x-request-id",
]);

/** The upstream request headers: the allowlisted ones, the bearer token and the request id. */
export function upstreamRequestHeaders(headers: Record<string, string>, accessToken: string, requestId: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (forwardedRequestHeaders.has(name)) result[name] = value;
  }
  result.authorization = `Bearer ${accessToken}`;
  result["x-request-id"] = requestId;
  return result;
}

/** The allowlisted upstream response headers, lower-cased (a repeated header's values joined with ", ", as `Headers` does). */
export function browserResponseHeaders(headers: Headers | Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  const add = (value: string | string[] | undefined, name: string) => {
    const lower = name.toLowerCase();
    if (value !== undefined && returnedResponseHeaders.has(lower)) result[lower] = Array.isArray(value) ? value.join(", ") : value;
  };
  if (headers instanceof Headers) headers.forEach(add);
  else for (const name in headers) add(headers[name], name);
  return result;
}

/** True when a body of this type is text; anything else is passed back base64-encoded, byte for byte. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return (
    type.startsWith("text/") ||
    type === "application/json" ||
    type.endsWith("+json") ||
    type === "application/xml" ||
    type.endsWith("+xml") ||
    type === "application/javascript" ||
    type === "application/x-www-form-urlencoded"
  );
}
