import { responseHeadersPolicy } from "@spa-bff/core/infra";
import { expect } from "vitest";
import { get, type Inputs, ofType, resource, routerEntries } from "./helpers.ts";
import { type Check, check } from "./types.ts";

export const webChecks: Check[] = [
  check("web.routes", "the Router sends /auth, /api and /files to the BFF and the rest to the static site", ["dev"], ({ dev }) => {
    expect(
      routerEntries(dev)
        .map((e) => [e[0], e[3]])
        .sort(),
    ).toEqual([
      ["site", ""],
      ["url", "/api"],
      ["url", "/auth"],
      ["url", "/files"],
    ]);
  }),

  check(
    "web.cache-and-headers",
    "caching is off and cookies and query strings are forwarded on the BFF paths, with security headers everywhere",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const distribution = resource(run.resources, "aws:cloudfront/distribution:Distribution", "RouterCdnDistribution");
        const ordered = distribution.inputs.orderedCacheBehaviors as Inputs[];
        expect(ordered.map((b) => b.pathPattern)).toEqual(["/auth/*", "/api/*", "/files", "/files/*"]);
        const headers = resource(run.resources, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "SecurityHeaders");
        for (const behavior of ordered) {
          expect(behavior).toMatchObject({
            cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            originRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
            responseHeadersPolicyId: headers.id,
            viewerProtocolPolicy: "https-only",
          });
        }
        expect(get(distribution.inputs, "defaultCacheBehavior", "responseHeadersPolicyId")).toBe(headers.id);
        const config = headers.inputs.securityHeadersConfig as Inputs;
        expect(get(config, "contentSecurityPolicy", "contentSecurityPolicy")).toContain("frame-ancestors 'none'");
        expect(get(config, "strictTransportSecurity", "accessControlMaxAgeSec")).toBeGreaterThanOrEqual(31_536_000);
        expect(get(config, "frameOptions", "frameOption")).toBe("DENY");
      }
    },
  ),

  check(
    "web.headers-policy",
    "the response headers policy is the declaration's, each header overriding the origin's (what the local edge applies to the SPA and the BFF alike); HSTS preload in production only",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const config = resource(run.resources, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "SecurityHeaders").inputs
          .securityHeadersConfig as Inputs;
        const policy = responseHeadersPolicy;
        expect(config).toMatchObject({
          strictTransportSecurity: {
            accessControlMaxAgeSec: policy.strictTransportSecurity.maxAgeSeconds,
            includeSubdomains: policy.strictTransportSecurity.includeSubdomains,
            preload: run === production,
          },
          frameOptions: { frameOption: policy.frameOptions },
          referrerPolicy: { referrerPolicy: policy.referrerPolicy },
        });
        for (const header of ["contentSecurityPolicy", "strictTransportSecurity", "frameOptions", "contentTypeOptions", "referrerPolicy"]) {
          expect(get(config, header, "override"), header).toBe(policy.override);
        }
        const csp = String(get(config, "contentSecurityPolicy", "contentSecurityPolicy")).split("; ");
        for (const directive of policy.contentSecurityPolicy.filter((d) => !d.startsWith("connect-src"))) expect(csp).toContain(directive);
      }
    },
  ),

  check(
    "web.viewer-ip",
    "the Router's viewer-request function writes CloudFront's viewer IP into x-viewer-ip before any routing, on the BFF's paths too",
    ["dev"],
    ({ dev }) => {
      const [fn] = ofType(dev.resources, "aws:cloudfront/function:Function").filter((f) => f.name.endsWith("CloudfrontFunctionRequest"));
      expect(fn).toBeDefined();
      const distribution = resource(dev.resources, "aws:cloudfront/distribution:Distribution", "RouterCdnDistribution");
      const viewerRequest = (behavior: unknown) =>
        ((get(behavior, "functionAssociations") ?? []) as Inputs[])
          .filter((a) => a.eventType === "viewer-request")
          .map((a) => a.functionArn);
      const functionArn = viewerRequest(distribution.inputs.defaultCacheBehavior);
      expect(functionArn).toHaveLength(1);
      for (const behavior of distribution.inputs.orderedCacheBehaviors as Inputs[])
        expect(viewerRequest(behavior), String(behavior.pathPattern)).toEqual(functionArn);
      const code = String(get(fn?.inputs, "code"));
      const injected = code.indexOf('event.request.headers["x-viewer-ip"] = { value: event.viewer.ip };');
      expect(injected).toBeGreaterThan(-1);
      // Before the routing code runs, so no later branch can skip it.
      expect(injected).toBeLessThan(code.indexOf("kvs"));
    },
  ),

  check(
    "web.site-files",
    "the deployed site uploads the SPA's real build (index.html and hashed assets) from web/dist",
    ["dev"],
    ({ dev }) => {
      const files = ofType(dev.resources, "pulumi-nodejs:dynamic:Resource").find(
        (r) => r.name.startsWith("Web") && Array.isArray(r.inputs.files),
      );
      const keys = ((files?.inputs.files ?? []) as { key: string }[]).map((f) => f.key);
      expect(keys).toContain("index.html");
      expect(keys.some((key) => /^assets\/index-[\w-]+\.js$/.test(key))).toBe(true);
    },
  ),
];
