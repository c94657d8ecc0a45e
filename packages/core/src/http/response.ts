/** What an HTTP route answers: the shape both function URLs (payload 2.0) and API Gateway REST (v1) accept. */
export interface HttpResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

const jsonType = "application/json; charset=utf-8";

/** A JSON answer. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { "content-type": jsonType, ...headers }, body: JSON.stringify(body) };
}

/** An answer without a body (204 by default). */
export function noContent(headers: Record<string, string> = {}): HttpResponse {
  return { statusCode: 204, headers, body: "" };
}

/** A 302 to a URL the caller has already validated. */
export function redirect(location: string): HttpResponse {
  return { statusCode: 302, headers: { location }, body: "" };
}
