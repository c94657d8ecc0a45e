import type { APIGatewayProxyEventV2 } from "aws-lambda";

/** A request as the edge forwards it to the BFF: headers already lower-cased and CloudFront-shaped. */
export interface EdgeRequest {
  readonly method: string;
  /** Path and query exactly as received, e.g. `/auth/login?returnTo=%2F`. */
  readonly rawUrl: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly requestId: string;
  /** Milliseconds since the epoch. */
  readonly now: number;
  /** The function URL's host name, e.g. `localhost`. */
  readonly domainName: string;
  /** The function URL's id (the first label of its host in AWS). */
  readonly apiId: string;
}

// Function URLs hand these content types over as text; anything else (also
// form posts and a missing content type) arrives base64-encoded.
const textTypes = /^(text\/[^;]+|application\/(json|[^;]+\+json|xml|[^;]+\+xml|javascript|ecmascript))\s*(;|$)/i;

/** True when a function URL would pass a body of this content type as text. */
export function isTextContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && textTypes.test(contentType.trim());
}

/**
 * The Lambda function URL event (payload format 2.0) as AWS delivers it:
 * lower-cased headers with repeats joined by ",", the `Cookie` header moved
 * into `cookies` (and absent from `headers`), decoded query parameters with
 * repeats joined by ",", and a body that is text or base64 by content type.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-request-payload
 */
export function buildFunctionUrlEvent(request: EdgeRequest): APIGatewayProxyEventV2 {
  const queryStart = request.rawUrl.indexOf("?");
  const rawPath = queryStart === -1 ? request.rawUrl : request.rawUrl.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? "" : request.rawUrl.slice(queryStart + 1);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of request.headers) {
    if (name === "cookie") {
      for (const part of value.split(";")) {
        const cookie = part.trim();
        if (cookie !== "") cookies.push(cookie);
      }
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }

  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[key] = queryStringParameters[key] === undefined ? value : `${queryStringParameters[key]},${value}`;
  }

  const method = request.method.toUpperCase();
  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: "anonymous",
      apiId: request.apiId,
      domainName: request.domainName,
      domainPrefix: request.domainName.split(".")[0] ?? request.domainName,
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: request.sourceIp, userAgent: headers["user-agent"] ?? "" },
      requestId: request.requestId,
      routeKey: "$default",
      stage: "$default",
      time: formatTime(request.now),
      timeEpoch: request.now,
    },
    isBase64Encoded: false,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (Object.keys(queryStringParameters).length > 0) event.queryStringParameters = queryStringParameters;
  if (request.body.length > 0) {
    const text = isTextContentType(headers["content-type"]);
    event.body = text ? request.body.toString("utf8") : request.body.toString("base64");
    event.isBase64Encoded = !text;
  }
  return event;
}

/** `21/Nov/2026:05:28:31 +0000`, the function URL's `requestContext.time` format. */
function formatTime(epochMs: number): string {
  const date = new Date(epochMs);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** The BFF's answer, ready to write to the socket. */
export interface EdgeResponse {
  readonly statusCode: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** One `Set-Cookie` line each. */
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

/** The handler returned something a function URL cannot send; the client then gets a 502. */
export class MalformedFunctionResultError extends Error {
  override readonly name = "MalformedFunctionResultError";
}

/**
 * Maps a handler's result to the HTTP response as a function URL does. A
 * result without `statusCode` is not an error: Lambda infers status 200,
 * `content-type: application/json` and the result itself (as JSON) as the body.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-response-payload
 */
export function mapFunctionUrlResult(result: unknown): EdgeResponse {
  if (typeof result !== "object" || result === null || !("statusCode" in result)) {
    const body = result === undefined ? "" : typeof result === "string" ? result : JSON.stringify(result);
    return { statusCode: 200, headers: [["content-type", "application/json"]], cookies: [], body: Buffer.from(body, "utf8") };
  }
  const structured = result as Record<string, unknown>;
  const { statusCode, body, headers, cookies } = structured;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedFunctionResultError('"statusCode" must be an HTTP status number');
  }
  if (body !== undefined && body !== null && typeof body !== "string") throw new MalformedFunctionResultError('"body" must be a string');
  if (headers !== undefined && headers !== null && (typeof headers !== "object" || Array.isArray(headers))) {
    throw new MalformedFunctionResultError('"headers" must be an object');
  }
  if (cookies !== undefined && cookies !== null && (!Array.isArray(cookies) || !cookies.every((cookie) => typeof cookie === "string"))) {
    throw new MalformedFunctionResultError('"cookies" must be an array of strings');
  }
  const headerList: Array<[string, string]> = [];
  for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new MalformedFunctionResultError(`Header "${name}" must be a string, number or boolean`);
    }
    headerList.push([name.toLowerCase(), String(value)]);
  }
  const text = typeof body === "string" ? body : "";
  return {
    statusCode,
    headers: headerList,
    cookies: (cookies ?? []) as string[],
    body: structured.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text, "utf8"),
  };
}
