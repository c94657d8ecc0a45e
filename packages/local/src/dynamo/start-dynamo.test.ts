import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { ConfigError } from "@spa-bff/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTables } from "./ensure-tables.ts";
import { type LocalDynamo, startDynamo } from "./start-dynamo.ts";

const names = { Sessions: "test-sessions", Items: "test-items", SignInAttempts: "test-signin-attempts" };

function clientFor(endpoint: string): DynamoDBClient {
  // maxAttempts 1: a stopped server must fail the call at once, not after retries.
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
}

async function putItem(client: DynamoDBClient, owner: string, id: string): Promise<void> {
  await client.send(new PutItemCommand({ TableName: names.Items, Item: { owner: { S: owner }, id: { S: id }, title: { S: "kept" } } }));
}

async function getTitle(client: DynamoDBClient, owner: string, id: string): Promise<string | undefined> {
  const { Item } = await client.send(new GetItemCommand({ TableName: names.Items, Key: { owner: { S: owner }, id: { S: id } } }));
  return Item?.title?.S;
}

describe("local DynamoDB (dynalite) in memory", () => {
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startDynamo({ port: 0, dataDir: null });
    client = clientFor(dynamo.endpoint);
  });

  afterAll(async () => {
    client.destroy();
    await dynamo.stop();
  });

  it("creates the tables from the shared definitions, ACTIVE at once, with their keys", async () => {
    // Act
    await ensureTables(dynamo.endpoint, names);

    // Assess
    const sessions = (await client.send(new DescribeTableCommand({ TableName: names.Sessions }))).Table;
    expect(sessions?.TableStatus).toBe("ACTIVE");
    expect(sessions?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(sessions?.GlobalSecondaryIndexes).toBeUndefined();
    const items = (await client.send(new DescribeTableCommand({ TableName: names.Items }))).Table;
    expect(items?.TableStatus).toBe("ACTIVE");
    expect(items?.KeySchema).toEqual([
      { AttributeName: "owner", KeyType: "HASH" },
      { AttributeName: "id", KeyType: "RANGE" },
    ]);
    const attempts = (await client.send(new DescribeTableCommand({ TableName: names.SignInAttempts }))).Table;
    expect(attempts?.TableStatus).toBe("ACTIVE");
    expect(attempts?.KeySchema).toEqual([{ AttributeName: "pk", KeyType: "HASH" }]);
  });

  it("leaves existing tables and their data alone when run again", async () => {
    // Prepare
    await ensureTables(dynamo.endpoint, names);
    await putItem(client, "alice", "item-1");

    // Act
    await ensureTables(dynamo.endpoint, names);

    // Assess
    expect((await client.send(new ListTablesCommand({}))).TableNames?.sort()).toEqual([names.Items, names.Sessions, names.SignInAttempts]);
    expect(await getTitle(client, "alice", "item-1")).toBe("kept");
  });

  it("keeps its data across stop() and start() on the same port", async () => {
    // Prepare
    await ensureTables(dynamo.endpoint, names);
    await putItem(client, "bob", "item-2");

    // Act
    await dynamo.stop();
    const whileStopped = client.send(new ListTablesCommand({}));
    await expect(whileStopped).rejects.toThrow();
    await dynamo.start();

    // Assess
    expect(await getTitle(client, "bob", "item-2")).toBe("kept");
  });

  it("refuses to create tables anywhere but on loopback", async () => {
    // Act
    const ensuring = ensureTables("https://dynamodb.eu-west-1.amazonaws.com", names);

    // Assess
    await expect(ensuring).rejects.toThrow(ConfigError);
    await expect(ensuring).rejects.toMatchObject({ code: "config_invalid", message: expect.stringContaining("Expected: a loopback") });
  });
});

describe("local DynamoDB (dynalite) on disk", () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "dynamo-data-"));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps its data across stop() and start(), and for the next process using the same folder", async () => {
    // Prepare
    const first = await startDynamo({ port: 0, dataDir });
    const firstClient = clientFor(first.endpoint);
    await ensureTables(first.endpoint, names);
    await putItem(firstClient, "alice", "on-disk");

    // Act
    await first.stop();
    await first.start();
    const afterRestart = await getTitle(firstClient, "alice", "on-disk");
    await first.stop();
    firstClient.destroy();
    const second = await startDynamo({ port: 0, dataDir });
    const secondClient = clientFor(second.endpoint);
    await ensureTables(second.endpoint, names);
    const inNextProcess = await getTitle(secondClient, "alice", "on-disk");
    secondClient.destroy();
    await second.stop();

    // Assess
    expect(afterRestart).toBe("kept");
    expect(inNextProcess).toBe("kept");
  });
});

describe("local DynamoDB options", () => {
  it("refuses a non-loopback host", async () => {
    // Act
    const starting = startDynamo({ port: 0, host: "0.0.0.0", dataDir: null });

    // Assess
    await expect(starting).rejects.toThrow(ConfigError);
    await expect(starting).rejects.toMatchObject({ code: "config_invalid", message: expect.stringContaining('"0.0.0.0"') });
  });
});
