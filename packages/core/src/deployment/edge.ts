/**
 * What CloudFront does to every response of a stage (the response headers
 * policy on the site and on the BFF's paths), as both readers see it: the
 * stacks configure the policy with these values, and the local edge applies
 * them to every answer it sends.
 */
export const responseHeadersPolicy = {
  strictTransportSecurity: { maxAgeSeconds: 63_072_000, includeSubdomains: true },
  frameOptions: "DENY",
  contentTypeOptions: "nosniff",
  referrerPolicy: "strict-origin-when-cross-origin",
  /**
   * The page's CSP (the stacks add the files bucket's origins to `connect-src`,
   * the local edge its local S3 and, in Vite mode, what the dev server needs).
   */
  contentSecurityPolicy: [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ],
  /** Every header above replaces what the origin sent (CloudFront's `override: true`). */
  override: true,
} as const;

/** The BFF's function URLs answer no CORS preflight of their own: only CloudFront calls them, same-origin. */
export const functionUrlCors = false;

/**
 * The request header that carries the viewer's address to the BFF: behind
 * CloudFront a function URL's `sourceIp` is an edge server, so the Router's
 * viewer-request function writes CloudFront's view of the client here
 * (overwriting whatever the client sent), and the local edge does the same.
 */
export const viewerAddressHeader = "x-viewer-ip";

/** One BFF origin of the edge: the function behind a path. */
export interface BffOrigin {
  /** The function (functions.ts) that answers it. */
  readonly function: "bffAuth" | "bffApi" | "bffFiles";
  /** It answers `<path>/*`, and `<path>` itself when `bare` (`GET /files` lists the uploads). */
  readonly path: string;
  readonly bare?: true;
}

/**
 * Which BFF function answers which paths behind the edge: CloudFront's
 * Router (stacks/web.ts, stacks/bff.ts) and the local edge route by it.
 * Every other path is the static site.
 */
export const bffOrigins = [
  { function: "bffAuth", path: "/auth" },
  { function: "bffApi", path: "/api" },
  { function: "bffFiles", path: "/files", bare: true },
] as const satisfies readonly BffOrigin[];

/** CloudFront path patterns of an origin, in the order its behaviours are listed. */
export function pathPatternsOf(origin: BffOrigin): string[] {
  return origin.bare ? [origin.path, `${origin.path}/*`] : [`${origin.path}/*`];
}
