/**
 * Security headers on every BFF response. `/auth/*` answers and errors are
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
