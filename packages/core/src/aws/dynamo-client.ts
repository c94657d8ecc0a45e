import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { getUserAgentMiddlewareOptions, userAgentMiddleware } from "@aws-sdk/core/client";

/** Where a function's DynamoDB is: its region, and a local endpoint (dynalite) if not DynamoDB's own. */
export interface DynamoClientOptions {
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
}

/**
 * A function's one DynamoDB client (the BFF's sessions, the items API's
 * items), configured for a Lambda instance that serves one request at a time
 * and sends the same few commands all its life:
 *
 * - `cacheMiddleware`: the middleware stack is resolved once per command
 *   class, not on every `send` (the SDK's own option for callers that never
 *   change the stack after the first call; nothing here does).
 * - no `loggerMiddleware`: the BFF gives the SDK no logger, so on every call it
 *   only filtered the input and output for a logger that drops them.
 * - the user agent is built once per command by the SDK's own middleware,
 *   then reused: rebuilding the same string cost about a tenth of a warm
 *   request's CPU (see {@link reuseUserAgent}).
 *
 * Retries, SigV4 signing and endpoint resolution stay as the SDK builds them.
 *
 * @example
 * const client = createDynamoClient({ region: config.region, endpoint: config.dynamodbEndpoint });
 */
export function createDynamoClient(config: DynamoClientOptions): DynamoDBClient {
  const client = new DynamoDBClient({
    cacheMiddleware: true,
    ...(config.region ? { region: config.region } : {}),
    ...(config.endpoint
      ? {
          endpoint: config.endpoint,
          // The local DynamoDB checks SigV4 in the region of the local account, like DynamoDB.
          region: config.region ?? process.env.AWS_REGION ?? "us-east-1",
          // The function's own role credentials, which the local platform puts in its environment as Lambda does, so the
          // local DynamoDB holds it to its grants; the local administrator's only when there are none (handlers built in tests).
          ...(process.env.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
        }
      : {}),
  });
  client.middlewareStack.remove("loggerMiddleware");
  reuseUserAgent(client);
  return client;
}

const userAgentHeaders = ["user-agent", "x-amz-user-agent"] as const;

/**
 * Replaces the SDK's user-agent middleware, in its own slot, by one that runs
 * it for a command's first request and then sets the same two headers it set.
 * Their value depends only on the client's configuration and the features the
 * SDK records in the command's context, which are the same for every request
 * of one command class (with `cacheMiddleware`, each class has one context).
 */
function reuseUserAgent(client: DynamoDBClient): void {
  const build = userAgentMiddleware(client.config);
  client.middlewareStack.add((next, context) => {
    let headers: Array<[string, string]> | undefined;
    const first = build(async (args) => {
      const sent = (args.request as { headers?: Record<string, string> } | undefined)?.headers ?? {};
      if (sent["user-agent"] === undefined) return next(args);
      headers = userAgentHeaders.flatMap((name) => (sent[name] === undefined ? [] : [[name, sent[name]] as [string, string]]));
      return next(args);
    }, context);
    return async (args) => {
      const request = args.request as { headers?: Record<string, string> } | undefined;
      if (!headers || !request?.headers) return first(args);
      for (const [name, value] of headers) request.headers[name] = value;
      return next(args);
    };
  }, getUserAgentMiddlewareOptions);
}
