import { toErrorBody } from "@spa-bff/core";
import type { APIGatewayProxyResult } from "aws-lambda";

const headers = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

/** A JSON response. */
export function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers, body: JSON.stringify(body) };
}

/** An empty response (204). */
export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: { "cache-control": "no-store" }, body: "" };
}

/** The design's error JSON; 5xx get a fixed message. */
export function errorResponse(error: unknown): APIGatewayProxyResult {
  const { status, body } = toErrorBody(error);
  return json(status, body);
}
