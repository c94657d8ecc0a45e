import { viewerAddressHeader } from "@spa-bff/core/infra";
import type { BffRequest } from "./request.ts";

/**
 * The browser's IP address, for per-IP rate limits. Behind CloudFront the
 * function URL's `sourceIp` is an edge server, so the Router's viewer-request
 * function writes CloudFront's view of the client into `x-viewer-ip` (the
 * declaration's `viewerAddressHeader`),
 * overwriting any value the client sent (stacks/web.ts). The header is
 * trustworthy only because the function URL accepts nothing but CloudFront
 * (origin access control); the local edge sets it the same way.
 */
export function clientIp(request: BffRequest): string {
  const viewer = request.headers[viewerAddressHeader]?.trim();
  if (viewer && /^[0-9a-fA-F.:]{2,45}$/.test(viewer)) return viewer;
  return request.event.requestContext?.http?.sourceIp || "unknown";
}
