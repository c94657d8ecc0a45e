import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { BadRequestError } from "@spa-bff/core";

/** A page position: DynamoDB's LastEvaluatedKey of the items table (owner + id). */
export interface ItemKey {
  owner: string;
  id: string;
}

/** Encodes a page position as an opaque cursor (base64url JSON). */
export function encodeCursor(key: ItemKey): string {
  return Buffer.from(JSON.stringify({ o: key.owner, i: key.id }), "utf8").toString("base64url");
}

/**
 * Decodes a cursor from a query string. Anything that is not one we issued
 * is a 400, so garbage never reaches DynamoDB as an ExclusiveStartKey.
 */
export function decodeCursor(cursor: string): ItemKey {
  const invalid = () => new BadRequestError('"cursor" is not a valid cursor', { details: { fields: { cursor: "Invalid cursor" } } });
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid();
  const { o, i, ...rest } = value as Record<string, unknown>;
  if (typeof o !== "string" || o === "" || typeof i !== "string" || i === "" || Object.keys(rest).length > 0) throw invalid();
  return { owner: o, id: i };
}

/** The key in DynamoDB's attribute-value form. */
export function toDynamoKey(key: ItemKey): Record<string, AttributeValue> {
  return { owner: { S: key.owner }, id: { S: key.id } };
}

/** Reads a LastEvaluatedKey back; undefined when there is no next page. */
export function fromDynamoKey(key: Record<string, AttributeValue> | undefined): ItemKey | undefined {
  const owner = key?.owner?.S;
  const id = key?.id?.S;
  return owner !== undefined && id !== undefined ? { owner, id } : undefined;
}
