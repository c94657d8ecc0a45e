import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableInput, sessionsTable, type TableDefinition } from "@spa-bff/core";

const dynalite = createRequire(import.meta.url)("dynalite") as (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

export interface TestDynamo {
  endpoint: string;
  /** The first table's name. */
  tableName: string;
  /** A client on this dynalite with no retries; `commands` lists every command it sent. */
  client: DynamoDBClient;
  commands: string[];
  /** Stops the server but keeps the client, which then meets a closed port, as in an outage. */
  stopServer(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An in-memory dynalite on 127.0.0.1, port 0, with the given tables (name →
 * shared definition; by default the sessions table) created and active.
 */
export async function startDynalite(tables: Record<string, TableDefinition> = { "Sessions-test": sessionsTable }): Promise<TestDynamo> {
  const [tableName] = Object.keys(tables);
  if (!tableName) throw new Error("startDynalite needs at least one table");
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
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
  for (const [name, definition] of Object.entries(tables)) {
    await client.send(new CreateTableCommand(createTableInput(definition, name)));
    // createTableMs 0 flips the table to ACTIVE on the next tick; poll the state, no sleeping.
    for (;;) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.TableStatus === "ACTIVE" && (Table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === "ACTIVE")) break;
    }
  }
  commands.length = 0;
  let stopped: Promise<void> | undefined;
  const stopServer = () => {
    stopped ??= new Promise<void>((resolve, reject) => {
      server.close((error?: Error) => (error ? reject(error) : resolve()));
      // Keep-alive sockets of the SDK would otherwise hold close() open.
      server.closeAllConnections();
    });
    return stopped;
  };
  return {
    endpoint,
    tableName,
    client,
    commands,
    stopServer,
    close: async () => {
      await stopServer();
      client.destroy();
    },
  };
}
