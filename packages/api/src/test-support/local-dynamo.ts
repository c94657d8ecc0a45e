import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableInput, itemsTable } from "@spa-bff/core";

/** dynalite (in memory) on 127.0.0.1 port 0 with an items table, for one test file. */
export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  tableName: string;
  close(): Promise<void>;
}

export async function startLocalDynamo(tableName = "Items-test"): Promise<LocalDynamo> {
  // dynalite ships no types; the specifier is widened so tsc does not look for any.
  const { default: dynalite } = (await import("dynalite" as string)) as { default: (options: { createTableMs: number }) => Server };
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  await client.send(new CreateTableCommand(createTableInput(itemsTable, tableName)));
  return {
    endpoint,
    client,
    tableName,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
