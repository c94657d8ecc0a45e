import { bffOrigins, pathPatternsOf, responseHeadersPolicy, viewerAddressHeader } from "@spa-bff/core/infra";
import { stageSettings } from "./settings.ts";
import { devServerOrigin, isProduction } from "./stage.ts";

/** CloudFront's managed "CachingDisabled" cache policy. */
export const cachingDisabledPolicyId = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
/** CloudFront's managed "AllViewerExceptHostHeader" origin request policy: every cookie, query string and header but Host. */
export const allViewerExceptHostPolicyId = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
/** Paths served by the BFF rather than the static site (`GET /files` has no trailing part, hence both file patterns). */
export const bffPaths = bffOrigins.flatMap(pathPatternsOf);

/**
 * Runs first in the Router's viewer-request CloudFront Function (SST's
 * router.ts puts `edge.viewerRequest.injection` at the top of its handler,
 * before any routing): the BFF's per-IP sign-in limits need the browser's
 * address, and behind CloudFront the function URL's `sourceIp` is an edge
 * server. `event.viewer.ip` is CloudFront's own view of the client, the
 * header is the declaration's `viewerAddressHeader`, and the
 * assignment overwrites any value the client sent. The BFF's cache behaviors
 * carry the same function (see `createRouter`), and their origin request
 * policy (all viewer headers) forwards the header, as it forwards SST's own
 * `x-forwarded-host` from the same function.
 */
export const viewerIpInjection = `event.request.headers[${JSON.stringify(viewerAddressHeader)}] = { value: event.viewer.ip };`;

/** The CSP of the site (the declaration's): same-origin everything (the BFF shares the origin), no framing. */
export const contentSecurityPolicy = responseHeadersPolicy.contentSecurityPolicy.join("; ");

/**
 * The SPA's CSP with extra `connect-src` origins: the files bucket, which
 * the SPA PUTs uploads to through presigned URLs.
 */
export function contentSecurityPolicyWith(connectSources: readonly string[]): string {
  if (connectSources.length === 0) return contentSecurityPolicy;
  return contentSecurityPolicy.replace("connect-src 'self'", `connect-src 'self' ${connectSources.join(" ")}`);
}

/**
 * The stage's CloudFront distribution. `/auth/*`, `/api/*` and `/files` go to the BFF
 * function URLs (added by the BFF functions' `url.router`), the rest to the
 * static site.
 *
 * Request bodies and OAC: CloudFront signs requests to a Lambda URL, but for
 * a body it needs the payload's SHA-256 in `x-amz-content-sha256`. The SPA's
 * API client sends that header on every request with a body, so we use plain
 * `"oac"` protection: no Lambda@Edge signer (no us-east-1 function, no extra
 * latency and cost) and no 1 MB body limit of `"oac-with-edge-signing"`.
 * The local edge enforces the same header, so a client that forgets it fails
 * locally as it would in AWS.
 *
 * Custom domain: the stage's `SiteDomain` setting (for example
 * `app.example.com`, hosted in Route 53; stacks/settings.ts).
 */
export function createRouter(connectSources: $util.Input<string[]> = []): sst.aws.Router {
  // The declaration's policy, on the site and on the BFF's paths alike (the local edge applies the same to both).
  const policy = responseHeadersPolicy;
  const override = policy.override;
  const headers = new aws.cloudfront.ResponseHeadersPolicy("SecurityHeaders", {
    comment: `${$app.name} ${$app.stage} security headers`,
    securityHeadersConfig: {
      contentSecurityPolicy: { contentSecurityPolicy: $output(connectSources).apply(contentSecurityPolicyWith), override },
      strictTransportSecurity: {
        accessControlMaxAgeSec: policy.strictTransportSecurity.maxAgeSeconds,
        includeSubdomains: policy.strictTransportSecurity.includeSubdomains,
        // Preload lists are for production's own domain only; a dev stage's name comes and goes.
        preload: isProduction(),
        override,
      },
      frameOptions: { frameOption: policy.frameOptions, override },
      contentTypeOptions: { override },
      referrerPolicy: { referrerPolicy: policy.referrerPolicy, override },
    },
  });
  const domain = stageSettings().siteDomain;

  return new sst.aws.Router("Router", {
    protection: "oac",
    edge: { viewerRequest: { injection: viewerIpInjection } },
    ...(domain ? { domain } : {}),
    transform: {
      cdn: (args) => {
        const defaults = $output(args.defaultCacheBehavior);
        args.defaultCacheBehavior = defaults.apply((behavior) => ({ ...behavior, responseHeadersPolicyId: headers.id }));
        // Session-bearing responses must never be cached: caching off, cookies and query strings forwarded.
        args.orderedCacheBehaviors = defaults.apply((behavior) =>
          bffPaths.map((pathPattern) => ({
            pathPattern,
            targetOriginId: behavior.targetOriginId,
            viewerProtocolPolicy: "https-only",
            allowedMethods: ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
            cachedMethods: ["GET", "HEAD"],
            compress: true,
            cachePolicyId: cachingDisabledPolicyId,
            originRequestPolicyId: allViewerExceptHostPolicyId,
            responseHeadersPolicyId: headers.id,
            functionAssociations: behavior.functionAssociations,
            lambdaFunctionAssociations: behavior.lambdaFunctionAssociations,
          })),
        );
      },
    },
  });
}

/** The variable that tells web/vite.config.ts where to proxy the BFF paths under `sst dev`. */
export const devProxyTargetVariable = "SPA_DEV_PROXY_TARGET";

/**
 * The SPA (web/) on S3, served through the Router. Under `sst dev` it is not
 * deployed: SST runs Vite's dev server in its multiplexer instead, and Vite
 * proxies `/auth`, `/api` and `/files` to this stage's Router, so the
 * browser sees one origin (the dev server's) for the SPA and the BFF, as it
 * sees the CloudFront origin when deployed: cookies, the Origin check and
 * the callback URL work unchanged.
 */
export function createSite(router: sst.aws.Router): sst.aws.StaticSite {
  return new sst.aws.StaticSite("Web", {
    path: "web",
    build: { command: "npm run build", output: "dist" },
    router: { instance: router },
    // Read by vite.config.ts only (no VITE_ prefix, so it never reaches the browser's bundle).
    ...($dev ? { environment: { [devProxyTargetVariable]: router.url } } : {}),
    dev: { command: "npm run dev", url: devServerOrigin, title: "SPA (Vite)" },
  });
}
