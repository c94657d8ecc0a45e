/**
 * Reads the access token from an `Authorization` header value: exactly
 * `Bearer <token>` (scheme case-insensitive, one space, RFC 6750 b64token).
 * Anything else gives `undefined`, so there is one way in.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export function parseBearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  return match?.[1];
}

/**
 * Finds the `Authorization` header (names are case-insensitive). Two values
 * are ambiguous and count as malformed.
 */
export function findAuthorizationHeader(
  headers: Record<string, string | undefined> | null | undefined,
  multiValueHeaders: Record<string, string[] | undefined> | null | undefined,
): { value: string | undefined; ambiguous: boolean } {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === "authorization" && value !== undefined) values.add(value);
  }
  let count = 0;
  for (const [name, list] of Object.entries(multiValueHeaders ?? {})) {
    if (name.toLowerCase() === "authorization" && list) {
      count += list.length;
      for (const value of list) values.add(value);
    }
  }
  const ambiguous = values.size > 1 || count > 1;
  return { value: values.size === 1 ? [...values][0] : undefined, ambiguous };
}
