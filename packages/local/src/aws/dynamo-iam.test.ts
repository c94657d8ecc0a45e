import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { roleGrants } from "@spa-bff/core/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTables } from "../dynamo/ensure-tables.ts";
import { type LocalDynamo, startDynamo } from "../dynamo/start-dynamo.ts";
import { localArnResolver } from "./arns.ts";
import { createLocalIam, type LocalIam, localAdminCredentials } from "./local-iam.ts";

const tables = { Sessions: "local-Sessions", Items: "local-Items", SignInAttempts: "local-SignInAttempts" };
const resolve = localArnResolver({ accountId: "123456789012", region: "us-east-1", tables, bucket: "local-files" });
const tableArn = (name: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`;

function clientFor(
  dynamo: LocalDynamo,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): DynamoDBClient {
  // maxAttempts 1: a refusal must surface at once, not after retries.
  return new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
}

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("the local DynamoDB with IAM", () => {
  let iam: LocalIam;
  let dynamo: LocalDynamo;
  let items: DynamoDBClient;
  let bff: DynamoDBClient;
  let admin: DynamoDBClient;

  beforeAll(async () => {
    iam = createLocalIam({ resolve });
    dynamo = await startDynamo({ port: 0, dataDir: null, iam });
    // The platform's own tooling signs with the administrator keys.
    await ensureTables(dynamo.endpoint, tables);
    items = clientFor(dynamo, iam.credentialsFor("items", "ApiItems"));
    bff = clientFor(dynamo, iam.credentialsFor("bff", "BffApi"));
    admin = clientFor(dynamo, { ...localAdminCredentials });
  });

  afterAll(async () => {
    for (const client of [items, bff, admin]) client?.destroy();
    await dynamo?.stop();
  });

  it("lets the items role Scan the items table, as the declaration grants", async () => {
    // Prepare
    await items.send(new PutItemCommand({ TableName: tables.Items, Item: { owner: { S: "alice" }, id: { S: "1" } } }));
    // Act
    const scanned = await items.send(new ScanCommand({ TableName: tables.Items }));
    // Assess
    expect(scanned.Items).toContainEqual({ owner: { S: "alice" }, id: { S: "1" } });
  });

  it("lets the BFF role write and read a session", async () => {
    // Act
    await bff.send(
      new PutItemCommand({ TableName: tables.Sessions, Item: { pk: { S: "u#alice" }, sk: { S: "s#1" }, sub: { S: "alice" } } }),
    );
    const read = await bff.send(new GetItemCommand({ TableName: tables.Sessions, Key: { pk: { S: "u#alice" }, sk: { S: "s#1" } } }));
    // Assess
    expect(read.Item?.sub).toEqual({ S: "alice" });
  });

  it("refuses the BFF role's Scan with the AccessDeniedException AWS sends", async () => {
    // Act
    const error = await failure(bff.send(new ScanCommand({ TableName: tables.Sessions })));
    // Assess
    expect(error.name).toBe("AccessDeniedException");
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      "User: arn:aws:sts::123456789012:assumed-role/bff/BffApi is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:us-east-1:123456789012:table/local-Sessions because no identity-based policy allows the dynamodb:Scan action",
    );
  });

  it("refuses the BFF role's BatchWriteItem, whatever the table", async () => {
    // Act
    const error = await failure(
      bff.send(
        new BatchWriteItemCommand({
          RequestItems: { [tables.Sessions]: [{ DeleteRequest: { Key: { pk: { S: "u#alice" }, sk: { S: "s#1" } } } }] },
        }),
      ),
    );
    // Assess
    expect(error.name).toBe("AccessDeniedException");
    expect(error.message).toContain(`dynamodb:BatchWriteItem on resource: ${tableArn(tables.Sessions)}`);
  });

  it("refuses a transaction with one item on a table the role lacks, naming the item's action", async () => {
    // Act
    const error = await failure(
      bff.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: tables.Sessions, Item: { pk: { S: "session#2" } } } },
            { Put: { TableName: tables.Items, Item: { owner: { S: "alice" }, id: { S: "2" } } } },
          ],
        }),
      ),
    );
    // Assess
    expect(error.name).toBe("AccessDeniedException");
    expect(error.message).toContain(`perform: dynamodb:PutItem on resource: ${tableArn(tables.Items)} because`);
  });

  it("checks a Query on an index against the index's ARN", async () => {
    // Act
    const error = await failure(
      bff.send(
        new QueryCommand({
          TableName: tables.Sessions,
          IndexName: "byOwner",
          KeyConditionExpression: "#owner = :owner",
          ExpressionAttributeNames: { "#owner": "owner" },
          ExpressionAttributeValues: { ":owner": { S: "alice" } },
        }),
      ),
    );
    // Assess
    expect(error.name).toBe("AccessDeniedException");
    expect(error.message).toContain(`on resource: ${tableArn(tables.Sessions)}/index/byOwner because`);
  });

  it("refuses a role's call on another role's table", async () => {
    // Act
    const error = await failure(
      items.send(new GetItemCommand({ TableName: tables.Sessions, Key: { pk: { S: "u#alice" }, sk: { S: "s#1" } } })),
    );
    // Assess
    expect(error.name).toBe("AccessDeniedException");
    expect(error.message).toContain("assumed-role/items/ApiItems is not authorized to perform: dynamodb:GetItem");
  });

  it("refuses a request whose body was changed after signing (InvalidSignatureException)", async () => {
    // Prepare: the signed JSON is altered on its way out, as a tampering proxy would.
    const tampered = clientFor(dynamo, iam.credentialsFor("items", "ApiItems"));
    tampered.middlewareStack.add(
      (next) => async (args) => {
        // Same length, so only the signature can tell: alice's key becomes alicf's.
        const request = args.request as { body?: unknown };
        const text =
          typeof request.body === "string" ? request.body : Buffer.from(new Uint8Array(request.body as Uint8Array)).toString("utf8");
        request.body = text.replace('"alice"', '"alicf"');
        return next(args);
      },
      { step: "deserialize", name: "tamperAfterSigning" },
    );
    // Act
    const error = await failure(
      tampered.send(new GetItemCommand({ TableName: tables.Items, Key: { owner: { S: "alice" }, id: { S: "1" } } })),
    );
    tampered.destroy();
    // Assess
    expect(error.name).toBe("InvalidSignatureException");
    expect(error.message).toContain("The request signature we calculated does not match the signature you provided");
  });

  it("refuses a request signed with the right key id and another secret", async () => {
    // Prepare
    const { accessKeyId, sessionToken } = iam.credentialsFor("items", "ApiItems");
    const forged = clientFor(dynamo, { accessKeyId, sessionToken, secretAccessKey: "not-the-secret" });
    // Act
    const error = await failure(forged.send(new ScanCommand({ TableName: tables.Items })));
    forged.destroy();
    // Assess
    expect(error.name).toBe("InvalidSignatureException");
  });

  it("does not recognise a key it never issued, nor a role key without its session token", async () => {
    // Prepare
    const stranger = clientFor(dynamo, {
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    });
    const { accessKeyId, secretAccessKey } = iam.credentialsFor("items", "ApiItems");
    const tokenless = clientFor(dynamo, { accessKeyId, secretAccessKey });
    // Act
    const unknown = await failure(stranger.send(new ScanCommand({ TableName: tables.Items })));
    const withoutToken = await failure(tokenless.send(new ScanCommand({ TableName: tables.Items })));
    stranger.destroy();
    tokenless.destroy();
    // Assess
    expect(unknown.name).toBe("UnrecognizedClientException");
    expect(unknown.message).toBe("The security token included in the request is invalid.");
    expect(withoutToken.name).toBe("UnrecognizedClientException");
  });

  it("answers an unsigned request with MissingAuthenticationTokenException", async () => {
    // Act
    const response = await fetch(dynamo.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.ListTables" },
      body: "{}",
    });
    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: "com.amazon.coral.service#MissingAuthenticationTokenException",
      message: "Request is missing Authentication Token",
    });
  });

  it("lets the administrator keys do anything, including ListTables", async () => {
    // Act
    const listed = await admin.send(new ListTablesCommand({}));
    // Assess
    expect(listed.TableNames).toEqual(expect.arrayContaining(Object.values(tables)));
  });

  it("refuses a role's ListTables, which no grant covers", async () => {
    // Act
    const error = await failure(items.send(new ListTablesCommand({})));
    // Assess
    expect(error.name).toBe("AccessDeniedException");
    expect(error.message).toContain("dynamodb:ListTables on resource: *");
  });
});

describe("the local DynamoDB with IAM follows the declaration it is given", () => {
  it("refuses the items role's Scan once the declaration no longer grants it", async () => {
    // Prepare
    const withoutScan = {
      ...roleGrants,
      items: roleGrants.items.map((grant) => ({ ...grant, actions: grant.actions.filter((action) => action !== "dynamodb:Scan") })),
    };
    const iam = createLocalIam({ resolve, roleGrants: withoutScan });
    const dynamo = await startDynamo({ port: 0, dataDir: null, iam });
    await ensureTables(dynamo.endpoint, tables);
    const items = clientFor(dynamo, iam.credentialsFor("items"));
    // Act
    const error = await failure(items.send(new ScanCommand({ TableName: tables.Items })));
    const query = await items.send(
      new QueryCommand({
        TableName: tables.Items,
        KeyConditionExpression: "#owner = :owner",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":owner": { S: "alice" } },
      }),
    );
    items.destroy();
    await dynamo.stop();
    // Assess
    expect(error.name).toBe("AccessDeniedException");
    expect(query.Items).toEqual([]);
  });

  it("keeps its data and its checks across stop() and start()", async () => {
    // Prepare
    const iam = createLocalIam({ resolve });
    const dynamo = await startDynamo({ port: 0, dataDir: null, iam });
    await ensureTables(dynamo.endpoint, tables);
    const items = clientFor(dynamo, iam.credentialsFor("items"));
    await items.send(new PutItemCommand({ TableName: tables.Items, Item: { owner: { S: "bob" }, id: { S: "kept" } } }));
    // Act
    await dynamo.stop();
    const whileStopped = await failure(items.send(new ScanCommand({ TableName: tables.Items })));
    await dynamo.start();
    const read = await items.send(new GetItemCommand({ TableName: tables.Items, Key: { owner: { S: "bob" }, id: { S: "kept" } } }));
    const refused = await failure(items.send(new GetItemCommand({ TableName: tables.Sessions, Key: { pk: { S: "x" } } })));
    items.destroy();
    await dynamo.stop();
    // Assess
    expect(whileStopped.name).not.toBe("AccessDeniedException");
    expect(read.Item?.id).toEqual({ S: "kept" });
    expect(refused.name).toBe("AccessDeniedException");
  });
});
