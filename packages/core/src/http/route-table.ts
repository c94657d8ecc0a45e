/** The methods an HTTP route may serve (what @middy/http-router accepts, without its `ANY`). */
export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

/** A route's method and path template, in API Gateway's syntax (`/items/{id}`, `/api/{proxy+}`). */
export interface RouteKey {
  readonly method: HttpMethod;
  readonly path: string;
}

/**
 * The methods served at a concrete path, for a 405's `Allow` header: the
 * same template rules as @middy/http-router (a `{name}` is one segment,
 * `{proxy+}` the rest, an optional trailing slash).
 */
export function allowedMethods(routes: readonly RouteKey[], path: string): string[] {
  const allowed = new Set<string>();
  for (const route of routes) if (templatePattern(route.path).test(path)) allowed.add(route.method);
  return [...allowed];
}

const patterns = new Map<string, RegExp>();

function templatePattern(template: string): RegExp {
  let pattern = patterns.get(template);
  if (!pattern) {
    const trimmed = template.length > 1 ? template.replace(/\/$/, "") : template;
    const source = trimmed
      .split("/")
      .map((segment) => {
        if (/^\{proxy\+\}$/.test(segment)) return ".*";
        if (/^\{[^/]+\}$/.test(segment)) return "[^/]+";
        return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    pattern = new RegExp(`^${source}/?$`);
    patterns.set(template, pattern);
  }
  return pattern;
}
