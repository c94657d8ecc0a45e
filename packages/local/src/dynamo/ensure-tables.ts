import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { ConfigError, createTableInput, isLoopbackUrl, type TableDefinition, tables } from "@spa-bff/core";

/** The physical table name for each table definition, by its logical name. */
export type TableNames = { readonly [Name in (typeof tables)[number]["name"]]: string };

/** Whether the table exists with the definition's key schema: `"missing"`, `"current"`, or `"outdated"` (data of an older layout). */
async function tableState(client: DynamoDBClient, def: TableDefinition, tableName: string): Promise<"missing" | "current" | "outdated"> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const wanted = createTableInput(def, tableName);
    const same =
      JSON.stringify(Table?.KeySchema) === JSON.stringify(wanted.KeySchema) &&
      (Table?.GlobalSecondaryIndexes ?? []).length === (wanted.GlobalSecondaryIndexes ?? []).length;
    return same ? "current" : "outdated";
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return "missing";
    throw error;
  }
}

async function createTable(client: DynamoDBClient, def: TableDefinition, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(def, tableName)));
  } catch (error) {
    // Another process created it between our check and now: that is the state we want.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

async function enableTtl(client: DynamoDBClient, tableName: string, attributeName: string): Promise<void> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: attributeName, Enabled: true } }),
    );
  } catch (error) {
    // dynalite does not implement UpdateTimeToLive and answers UnknownOperationException. Expiry
    // never depends on TTL sweeps (sessions check their own expiry), so going without it is fine.
    if ((error as { name?: unknown }).name !== "UnknownOperationException") throw error;
  }
}

/**
 * Creates every table of `tables` (from @spa-bff/core) that does not exist
 * yet at a local DynamoDB endpoint, with its keys and indexes, and turns on
 * TTL where the definition has one and the server supports it. Safe to run
 * on every start.
 *
 * @example
 * await ensureTables(dynamo.endpoint, { Sessions: "local-sessions", Items: "local-items", SignInAttempts: "local-signin-attempts" });
 */
export async function ensureTables(endpoint: string, names: TableNames): Promise<void> {
  await createTables(endpoint, Object.fromEntries(tables.map((def) => [names[def.name], def])));
}

/** Creates the given tables (physical name → definition) where missing, then waits until each is ACTIVE. */
export async function createTables(endpoint: string, definitions: Readonly<Record<string, TableDefinition>>): Promise<void> {
  // Only ever a local server: this must never create tables in an AWS account by accident.
  if (!isLoopbackUrl(endpoint)) throw new ConfigError(`Invalid local DynamoDB endpoint "${endpoint}". Expected: a loopback http(s) URL`);
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION || "us-east-1",
    // The local account's administrator keys: allowed everything by the IAM front (if any), and never real ones.
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    for (const [tableName, def] of Object.entries(definitions)) {
      const state = await tableState(client, def, tableName);
      if (state === "outdated") {
        // A data folder from an older table layout (local data only): start that table afresh rather than fail on every call.
        process.stderr.write(`Local table ${tableName} has an older key layout; recreating it (its local data is dropped)\n`);
        await client.send(new DeleteTableCommand({ TableName: tableName }));
        while ((await tableState(client, def, tableName)) !== "missing") {
          // dynalite drops a table on a later tick; poll, no sleeping.
        }
      }
      if (state !== "current") await createTable(client, def, tableName);
      if (def.ttl) await enableTtl(client, tableName, def.ttl);
      // dynalite flips a new table (and its indexes) to ACTIVE on the next tick; poll the state, no sleeping.
      for (;;) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
        if (Table?.TableStatus === "ACTIVE" && (Table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === "ACTIVE")) break;
      }
    }
  } finally {
    client.destroy();
  }
}
