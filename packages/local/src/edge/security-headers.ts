/**
 * Security response headers for the SPA, matching the CloudFront response
 * headers policy of the deployed site. HSTS is left out on purpose: it only
 * means something over https, and a browser that learned it for `localhost`
 * would then refuse every plain-http dev server on that host.
 *
 * In Vite mode (and only there) the policy lets in what the dev server needs:
 * inline scripts and styles (React Refresh preamble, injected CSS) and the
 * HMR WebSocket on the edge's own port.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html
 */
export function spaSecurityHeaders(
  mode: "static" | "vite" | "none",
  edgePort: number,
  connectSources: readonly string[] = [],
): Record<string, string> {
  const dev = mode === "vite";
  // Direct uploads PUT to the (local) S3 origin; nothing else leaves the site.
  const extra = connectSources.map((source) => ` ${new URL(source).origin}`).join("");
  const directives = [
    "default-src 'self'",
    dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    dev ? `connect-src 'self' ws://localhost:${edgePort} ws://127.0.0.1:${edgePort}${extra}` : `connect-src 'self'${extra}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return {
    "content-security-policy": directives.join("; "),
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
  };
}
