import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { sessionsTable, type TableDefinition } from "@spa-bff/core";
import { createTables } from "../dynamo/ensure-tables.ts";
import { type LocalDynamo, startDynamo } from "../dynamo/start-dynamo.ts";

/** An in-memory local DynamoDB for one test file, with an admin client that records its commands. */
export interface TestDynamo {
  readonly endpoint: string;
  /** The first table's name. */
  readonly tableName: string;
  /** A client with no retries; `commands` lists every command it sent. */
  readonly client: DynamoDBClient;
  readonly commands: string[];
  /** Cuts DynamoDB off (an outage) but keeps the data; `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Items in a table (default: the first), read strongly consistent. */
  count(tableName?: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The one way tests start DynamoDB: the local platform's dynalite
 * ({@link startDynamo}) on port 0, in memory, with the given tables (physical
 * name → shared definition; by default one sessions table) created and ACTIVE.
 *
 * @example
 * const dynamo = await startTestDynamo({ "Sessions-test": sessionsTable, "SignIn-test": rateLimitTable });
 */
export async function startTestDynamo(
  tables: Readonly<Record<string, TableDefinition>> = { "Sessions-test": sessionsTable },
): Promise<TestDynamo> {
  const [tableName] = Object.keys(tables);
  if (!tableName) throw new Error("startTestDynamo needs at least one table");
  const dynamo: LocalDynamo = await startDynamo({ port: 0, dataDir: null });
  await createTables(dynamo.endpoint, tables);
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
  return {
    endpoint: dynamo.endpoint,
    tableName,
    client,
    commands,
    stop: () => dynamo.stop(),
    start: () => dynamo.start(),
    count: async (name = tableName) =>
      (await client.send(new ScanCommand({ TableName: name, Select: "COUNT", ConsistentRead: true }))).Count ?? 0,
    close: async () => {
      client.destroy();
      await dynamo.stop();
    },
  };
}
