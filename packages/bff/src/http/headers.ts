/**
 * Headers of a payload 2.0 event, lower-cased. Function URLs already send
 * lower-case names; the local edge and tests may not.
 */
export function lowerCaseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) result[name.toLowerCase()] = value;
  }
  return result;
}

/**
 * Security headers on every response. `/auth/*` answers and errors are
 * never cached: they carry per-user state.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html
 */
export function securityHeaders(noStore: boolean): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cross-origin-resource-policy": "same-origin",
    ...(noStore ? { "cache-control": "no-store", pragma: "no-cache" } : {}),
  };
}
