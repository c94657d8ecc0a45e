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
  /** Every header above replaces what the origin sent (CloudFront's `override: true`). */
  override: true,
} as const;

/** The BFF's function URLs answer no CORS preflight of their own: only CloudFront calls them, same-origin. */
export const functionUrlCors = false;
