import type { RequestContext } from "./request-context.ts";

/**
 * The browser's IP address, for per-IP rate limits. Behind CloudFront the
 * function URL's `sourceIp` is an edge server, so the Router's viewer-request
 * function writes CloudFront's view of the client into `x-viewer-ip`,
 * overwriting any value the client sent (stacks/web.ts). The header is
 * trustworthy only because the function URL accepts nothing but CloudFront
 * (origin access control); the local edge sets it the same way.
 */
export function clientIp(ctx: RequestContext): string {
  const viewer = ctx.event.headers?.["x-viewer-ip"]?.trim();
  if (viewer && /^[0-9a-fA-F.:]{2,45}$/.test(viewer)) return viewer;
  return ctx.event.requestContext?.http?.sourceIp || "unknown";
}
