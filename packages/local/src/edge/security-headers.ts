import { responseHeadersPolicy } from "@spa-bff/core/infra";

/** How the local edge serves the SPA, which decides what its CSP must let in. */
export type SpaMode = "static" | "vite" | "none";

/** The policy's headers, from the shared declaration the stacks also deploy to CloudFront. */
export interface ResponseHeadersPolicy {
  readonly contentSecurityPolicy: readonly string[];
  readonly frameOptions: string;
  readonly contentTypeOptions: string;
  readonly referrerPolicy: string;
  /** CloudFront's `override`: the policy's value replaces the origin's, or is only added where the origin sent none. */
  readonly override: boolean;
}

/**
 * The headers of the stage's CloudFront response headers policy as the local
 * edge sends them on every answer, the SPA's and the BFF's alike (in AWS the
 * one policy is attached to the site's behavior and to the BFF's paths).
 *
 * HSTS is left out on purpose: it only means something over https, and a
 * browser that learned it for `localhost` would then refuse every plain-http
 * dev server on that host.
 *
 * The CSP is the declaration's, with two local additions: `connect-src` names
 * the extra origins the SPA may reach (the local S3, where the deployed
 * policy names the files bucket), and in Vite mode (only there) it lets in
 * what the dev server needs: inline scripts and styles (React Refresh
 * preamble, injected CSS) and the HMR WebSocket on the edge's own port.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html
 */
export function policyHeaders(
  mode: SpaMode,
  edgePort: number,
  connectSources: readonly string[] = [],
  policy: ResponseHeadersPolicy = responseHeadersPolicy,
): Record<string, string> {
  const dev = mode === "vite";
  const extra = connectSources.map((source) => ` ${new URL(source).origin}`).join("");
  const directives = policy.contentSecurityPolicy.map((directive) => {
    if (directive === "connect-src 'self'") {
      return dev ? `connect-src 'self' ws://localhost:${edgePort} ws://127.0.0.1:${edgePort}${extra}` : `connect-src 'self'${extra}`;
    }
    if (dev && (directive === "script-src 'self'" || directive === "style-src 'self'")) return `${directive} 'unsafe-inline'`;
    return directive;
  });
  return {
    "content-security-policy": directives.join("; "),
    "x-content-type-options": policy.contentTypeOptions,
    "referrer-policy": policy.referrerPolicy,
    "x-frame-options": policy.frameOptions,
  };
}

/**
 * What CloudFront does with a response headers policy on an origin's answer,
 * header by header: with `override` the policy's value replaces whatever the
 * origin sent under that name (every repetition of it); without it the
 * origin's value stays and the policy's is added only where the origin sent
 * none. Every other header passes unchanged, in order.
 */
export function applyResponseHeadersPolicy(
  origin: ReadonlyArray<readonly [string, string]>,
  policy: Readonly<Record<string, string>>,
  override: boolean,
): Array<[string, string]> {
  const sent = new Set(origin.map(([name]) => name.toLowerCase()));
  const replaced = (name: string) => override && name.toLowerCase() in policy;
  const added = Object.entries(policy).filter(([name]) => override || !sent.has(name));
  return [...origin.filter(([name]) => !replaced(name)).map(([name, value]): [string, string] => [name, value]), ...added];
}
