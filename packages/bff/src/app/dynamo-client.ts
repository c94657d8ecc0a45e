import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { BffConfig } from "../config.ts";

/**
 * The function's one DynamoDB client, configured for a Lambda instance that
 * serves one request at a time and sends the same few commands all its life:
 *
 * - `cacheMiddleware`: the middleware stack is resolved once per command
 *   class, not on every `send` (the SDK's own option for callers that never
 *   change the stack after the first call; nothing here does).
 * - no `loggerMiddleware`: the BFF gives the SDK no logger, so on every call it
 *   only filtered the input and output for a logger that drops them.
 *
 * Retries, SigV4 signing, endpoint resolution and the user agent stay as the
 * SDK builds them.
 *
 * @example
 * const client = createDynamoClient(loadBffConfig(process.env));
 */
export function createDynamoClient(config: Pick<BffConfig, "region" | "dynamodbEndpoint">): DynamoDBClient {
  const client = new DynamoDBClient({
    cacheMiddleware: true,
    ...(config.region ? { region: config.region } : {}),
    ...(config.dynamodbEndpoint
      ? {
          endpoint: config.dynamodbEndpoint,
          // The local DynamoDB checks SigV4 in the region of the local account, like DynamoDB.
          region: config.region ?? process.env.AWS_REGION ?? "us-east-1",
          // The function's own role credentials, which the local platform puts in its environment as Lambda does, so the
          // local DynamoDB holds it to its grants; the local administrator's only when there are none (handlers built in tests).
          ...(process.env.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
        }
      : {}),
  });
  client.middlewareStack.remove("loggerMiddleware");
  return client;
}
