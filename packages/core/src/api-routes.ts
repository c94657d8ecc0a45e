/** One route of the private REST API and the scope it needs. */
export interface RouteRule {
  /** HTTP method, upper case. */
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** API Gateway resource path, with `{param}` placeholders. */
  readonly resource: string;
  /** The scope the token must carry, or `null` when any valid token will do. */
  readonly scope: string | null;
}

/**
 * The one table of routes and required scopes. The authorizer builds its
 * policies from it, and the local gateway and the infrastructure declare
 * their routes from it, so a route cannot exist without a rule.
 */
export const routeRules = [
  { method: "GET", resource: "/items", scope: "items/read" },
  { method: "POST", resource: "/items", scope: "items/write" },
  { method: "DELETE", resource: "/items/{id}", scope: "items/write" },
  { method: "GET", resource: "/whoami", scope: null },
] as const satisfies readonly RouteRule[];

/** `"<METHOD> <resource>"` of each rule: the key under which the items API answers it, checked by the compiler. */
export type RouteId = (typeof routeRules)[number] extends infer Rule
  ? Rule extends { method: infer M extends string; resource: infer R extends string }
    ? `${M} ${R}`
    : never
  : never;

/** True when a token with these scopes may call the route. */
export function isRouteAllowed(rule: RouteRule, scopes: ReadonlySet<string>): boolean {
  return rule.scope === null || scopes.has(rule.scope);
}
