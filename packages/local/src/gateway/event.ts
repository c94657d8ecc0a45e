import { createHash } from "node:crypto";
import type { APIGatewayEventIdentity, APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import type { AuthorizerGrant } from "./policy.ts";
import type { RouteMatch } from "./route-match.ts";

/** Where the API lives: the parts of its execute-api ARN and its stage. */
export interface ApiIdentity {
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly stage: string;
}

/** One HTTP request as the gateway received it, before any API Gateway shaping. */
export interface GatewayRequest {
  readonly method: string;
  /** The path after the stage prefix, still percent-encoded, e.g. `/items/42`. */
  readonly path: string;
  /** The query string without `?`, possibly empty. */
  readonly rawQuery: string;
  /** Node's `rawHeaders`: alternating names (original case) and values. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly requestId: string;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

/**
 * The method ARN API Gateway passes to the authorizer and matches policies
 * against: `arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}`.
 */
export function buildMethodArn(api: ApiIdentity, method: string, path: string): string {
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${method.toUpperCase()}/${path.replace(/^\//, "")}`;
}

/**
 * Headers as REST API proxy events carry them: names in the case the client
 * sent, `headers` holding the last value of a repeated header and
 * `multiValueHeaders` all of them.
 */
export function collectHeaders(rawHeaders: readonly string[]): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const canonical = new Map<string, string>();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const rawName = rawHeaders[index] as string;
    const value = rawHeaders[index + 1] as string;
    // One entry per header, whatever mix of cases the client used for it.
    const name = canonical.get(rawName.toLowerCase()) ?? rawName;
    canonical.set(rawName.toLowerCase(), name);
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  return { headers, multiValueHeaders };
}

/** Decoded query parameters; `null` for both when there are none, as API Gateway sends them. */
export function collectQuery(rawQuery: string): {
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
} {
  const params = new URLSearchParams(rawQuery);
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of params) {
    single[key] = value;
    multi[key] = [...(multi[key] ?? []), value];
  }
  if (Object.keys(single).length === 0) return { queryStringParameters: null, multiValueQueryStringParameters: null };
  return { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

/** Looks a header up case-insensitively; the last value wins, as in `headers`. */
export function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if ((rawHeaders[index] as string).toLowerCase() === name.toLowerCase()) found = rawHeaders[index + 1];
  }
  return found;
}

/** The REQUEST authorizer's input event. */
export function buildAuthorizerEvent(api: ApiIdentity, route: RouteMatch, request: GatewayRequest): APIGatewayRequestAuthorizerEvent {
  const { headers, multiValueHeaders } = collectHeaders(request.rawHeaders);
  return {
    type: "REQUEST",
    methodArn: buildMethodArn(api, request.method, request.path),
    resource: route.resource,
    path: request.path,
    httpMethod: request.method.toUpperCase(),
    headers,
    multiValueHeaders,
    ...collectQuery(request.rawQuery),
    pathParameters: route.pathParameters ?? {},
    stageVariables: {},
    requestContext: buildRequestContext(api, route, request, undefined),
  };
}

/**
 * The Lambda proxy integration event (REST, payload 1.0). `authorizer`
 * carries the authorizer's context (stringified) plus `principalId`.
 */
export function buildProxyEvent(
  api: ApiIdentity,
  route: RouteMatch,
  request: GatewayRequest,
  grant: AuthorizerGrant,
): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = collectHeaders(request.rawHeaders);
  const text = isUtf8Text(request.body);
  return {
    resource: route.resource,
    path: request.path,
    httpMethod: request.method.toUpperCase(),
    headers,
    multiValueHeaders,
    ...collectQuery(request.rawQuery),
    pathParameters: route.pathParameters,
    stageVariables: null,
    body: request.body.length === 0 ? null : text ? request.body.toString("utf8") : request.body.toString("base64"),
    isBase64Encoded: request.body.length > 0 && !text,
    requestContext: buildRequestContext(api, route, request, {
      ...grant.context,
      principalId: grant.principalId,
      integrationLatency: 0,
    }),
  };
}

function buildRequestContext<A>(api: ApiIdentity, route: RouteMatch, request: GatewayRequest, authorizer: A) {
  const host = headerValue(request.rawHeaders, "host") ?? "localhost";
  const identity: APIGatewayEventIdentity = {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: request.sourceIp,
    user: null,
    userAgent: headerValue(request.rawHeaders, "user-agent") ?? null,
    userArn: null,
  };
  return {
    accountId: api.accountId,
    apiId: api.apiId,
    authorizer,
    domainName: host,
    domainPrefix: host.split(".")[0]?.split(":")[0] ?? host,
    extendedRequestId: request.requestId,
    httpMethod: request.method.toUpperCase(),
    identity,
    path: `/${api.stage}${request.path}`,
    protocol: "HTTP/1.1",
    requestId: request.requestId,
    requestTime: formatRequestTime(request.now),
    requestTimeEpoch: request.now,
    // API Gateway's resource ids are short stable ids per resource; a hash keeps them stable here.
    resourceId: createHash("sha256").update(route.resource).digest("hex").slice(0, 6),
    resourcePath: route.resource,
    stage: api.stage,
  };
}

/** `21/Nov/2026:05:28:31 +0000`, API Gateway's `requestTime` format. */
export function formatRequestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function isUtf8Text(body: Buffer): boolean {
  // REST APIs without binary media types pass bodies as text; only bytes that are not UTF-8 need base64 here.
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

/** The integration's answer, ready to write to the socket. */
export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

/** The integration returned something API Gateway cannot send; the client then gets a 502. */
export class MalformedIntegrationResultError extends Error {
  override readonly name = "MalformedIntegrationResultError";
}

/**
 * Maps a proxy integration result to the HTTP response. `headers` and
 * `multiValueHeaders` are merged; for a name in both, the multi-value list
 * wins, as AWS documents. Base64 bodies are decoded.
 */
export function mapProxyResult(value: unknown): GatewayResponse {
  if (typeof value !== "object" || value === null) throw new MalformedIntegrationResultError("The integration result is not an object");
  const result = value as Record<string, unknown>;
  const statusCode = result.statusCode;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedIntegrationResultError('"statusCode" must be an HTTP status number');
  }
  const body = result.body;
  if (body !== undefined && body !== null && typeof body !== "string") throw new MalformedIntegrationResultError('"body" must be a string');
  const single = asHeaderRecord(result.headers, "headers");
  const multi = asHeaderRecord(result.multiValueHeaders, "multiValueHeaders");
  const headers: Array<readonly [string, string]> = [];
  const multiNames = new Set(Object.keys(multi).map((name) => name.toLowerCase()));
  for (const [name, item] of Object.entries(single)) {
    if (multiNames.has(name.toLowerCase())) continue;
    headers.push([name, scalarString(item, name)]);
  }
  for (const [name, items] of Object.entries(multi)) {
    if (!Array.isArray(items)) throw new MalformedIntegrationResultError(`"multiValueHeaders.${name}" must be an array`);
    for (const item of items) headers.push([name, scalarString(item, name)]);
  }
  const text = typeof body === "string" ? body : "";
  return { statusCode, headers, body: result.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text, "utf8") };
}

function asHeaderRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new MalformedIntegrationResultError(`"${what}" must be an object`);
  return value as Record<string, unknown>;
}

function scalarString(value: unknown, name: string): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  throw new MalformedIntegrationResultError(`Header "${name}" must be a string, number or boolean`);
}
