import { isLoopbackUrl, parseConfig } from "@spa-bff/core";
import * as z from "zod/mini";

const schema = z.object({
  ITEMS_TABLE: z.string("DynamoDB table name of the items table").check(z.minLength(1, "a table name")),
  DYNAMODB_ENDPOINT: z.optional(
    z.string().check(z.refine((value) => isLoopbackUrl(value), "a loopback URL (DynamoDB Local / dynalite only)")),
  ),
  AWS_REGION: z._default(z.string().check(z.minLength(1)), "us-east-1"),
});

/** Validated items API configuration. */
export interface ApiConfig {
  readonly itemsTable: string;
  /** Local DynamoDB endpoint; absent in AWS. */
  readonly dynamoEndpoint: string | undefined;
  readonly region: string;
}

/**
 * Reads the items API configuration once, at cold start.
 *
 * @example
 * const config = loadApiConfig(process.env);
 */
export function loadApiConfig(env: Record<string, string | undefined>): ApiConfig {
  const parsed = parseConfig(schema, env, "api");
  return { itemsTable: parsed.ITEMS_TABLE, dynamoEndpoint: parsed.DYNAMODB_ENDPOINT, region: parsed.AWS_REGION };
}
