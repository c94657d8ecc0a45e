/**
 * Route matching as API Gateway REST does it: a resource template such as
 * `/items/{id}` or `/files/{proxy+}` plus a method (or `ANY`). A request that
 * matches no resource, or a resource without that method, gets API Gateway's
 * 403 "Missing Authentication Token", which the server answers.
 */

/** One method on one resource, as declared on the REST API. */
export interface RouteDefinition {
  /** HTTP method, upper or lower case, or `ANY`. */
  readonly method: string;
  /** Resource template, e.g. `/items/{id}` or `/{proxy+}`. */
  readonly resource: string;
}

/** The route a request path resolved to, with its decoded path parameters. */
export interface RouteMatch {
  readonly method: string;
  readonly resource: string;
  /** `null` when the resource has no parameters, as API Gateway sends it. */
  readonly pathParameters: Record<string, string> | null;
}

type Segment = { kind: "literal"; value: string } | { kind: "param"; name: string } | { kind: "greedy"; name: string };

interface CompiledRoute {
  method: string;
  resource: string;
  segments: Segment[];
}

/** Splits a resource template into segments and rejects templates API Gateway would refuse. */
export function compileResource(resource: string): Segment[] {
  if (!resource.startsWith("/")) throw new TypeError(`"resource" must start with "/": ${resource}`);
  const parts = splitPath(resource);
  return parts.map((part, index) => {
    const greedy = /^\{([A-Za-z0-9._-]+)\+\}$/.exec(part);
    if (greedy?.[1] !== undefined) {
      if (index !== parts.length - 1) throw new TypeError(`"resource" may use a greedy {name+} only as its last segment: ${resource}`);
      return { kind: "greedy", name: greedy[1] };
    }
    const param = /^\{([A-Za-z0-9._-]+)\}$/.exec(part);
    if (param?.[1] !== undefined) return { kind: "param", name: param[1] };
    if (part.includes("{") || part.includes("}")) throw new TypeError(`"resource" has a malformed parameter segment: ${resource}`);
    return { kind: "literal", value: part };
  });
}

/**
 * Builds a matcher over a route table. Literal segments win over `{param}`,
 * which wins over `{proxy+}`, and an exact method wins over `ANY`, so the most
 * specific resource answers, as in API Gateway.
 *
 * @example
 * const match = createRouteMatcher([{ method: "GET", resource: "/items/{id}" }]);
 * match("GET", "/items/42"); // { resource: "/items/{id}", pathParameters: { id: "42" }, … }
 */
export function createRouteMatcher(routes: readonly RouteDefinition[]): (method: string, path: string) => RouteMatch | undefined {
  const compiled: CompiledRoute[] = routes.map((route) => ({
    method: route.method.toUpperCase(),
    resource: route.resource,
    segments: compileResource(route.resource),
  }));
  return (method, path) => {
    const upper = method.toUpperCase();
    const parts = splitPath(path);
    let best: { route: CompiledRoute; params: Record<string, string>; score: number[] } | undefined;
    for (const route of compiled) {
      if (route.method !== upper && route.method !== "ANY") continue;
      const params = matchSegments(route.segments, parts);
      if (params === undefined) continue;
      const score = [...route.segments.map(segmentRank), route.method === "ANY" ? 0 : 1];
      if (best === undefined || compareScores(score, best.score) > 0) best = { route, params, score };
    }
    if (best === undefined) return undefined;
    return {
      method: best.route.method,
      resource: best.route.resource,
      pathParameters: Object.keys(best.params).length > 0 ? best.params : null,
    };
  };
}

function splitPath(path: string): string[] {
  // "/" is the root resource (no segments); one trailing slash is ignored.
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed === "/" || trimmed === "" ? [] : trimmed.slice(1).split("/");
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] as Segment;
    if (segment.kind === "greedy") {
      const rest = parts.slice(index);
      // {proxy+} needs at least one non-empty segment: it never matches the parent itself.
      if (rest.length === 0 || rest.every((part) => part === "")) return undefined;
      params[segment.name] = rest.map(decodeSegment).join("/");
      return params;
    }
    const part = parts[index];
    if (part === undefined || part === "") return undefined;
    if (segment.kind === "literal") {
      if (decodeSegment(part) !== segment.value) return undefined;
    } else {
      params[segment.name] = decodeSegment(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

function decodeSegment(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function segmentRank(segment: Segment): number {
  return segment.kind === "literal" ? 3 : segment.kind === "param" ? 2 : 1;
}

function compareScores(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const diff = (a[index] ?? 0) - (b[index] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
