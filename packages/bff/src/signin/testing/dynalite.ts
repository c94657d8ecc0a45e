import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableInput, rateLimitTable } from "@spa-bff/core";

const dynalite = createRequire(import.meta.url)("dynalite") as (options: { createTableMs?: number }) => Server;

/** An in-memory dynalite on 127.0.0.1, port 0, with the sign-in attempts table created and active. */
export async function startRateLimitDynalite(tableName = "SignInAttempts-test") {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  await client.send(new CreateTableCommand(createTableInput(rateLimitTable, tableName)));
  // createTableMs 0 makes the table ACTIVE on the next tick: poll the state instead of sleeping.
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") break;
  }
  return {
    client,
    tableName,
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
