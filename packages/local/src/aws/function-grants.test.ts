/**
 * A function's own AWS SDK calls, made with its role's credentials from its
 * environment (as the local platform's instances get them, like Lambda),
 * obey that role's grants in the declaration: the items API's machine
 * listing (a Scan) works because the declaration grants it, and stops
 * working, with the 503 AWS's AccessDeniedException gives, once the
 * declaration no longer does.
 */
import { createApiHandler, loadApiConfig } from "@spa-bff/api";
import { createLogger } from "@spa-bff/core";
import { type Grant, type RoleName, roleGrants } from "@spa-bff/core/infra";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ensureTables } from "../dynamo/ensure-tables.ts";
import { startDynamo } from "../dynamo/start-dynamo.ts";
import { localArnResolver } from "./arns.ts";
import { createLocalIam } from "./local-iam.ts";

const tables = { Sessions: "local-Sessions", Items: "local-Items", SignInAttempts: "local-SignInAttempts" };
const resolve = localArnResolver({ accountId: "123456789012", region: "us-east-1", tables, bucket: "local-files" });

/** A machine caller's `GET /items`, as the private API's authorizer passes it on. */
function machineListing(): APIGatewayProxyEvent {
  return {
    resource: "/items",
    path: "/items",
    httpMethod: "GET",
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "local",
      stage: "local",
      requestId: "req-1",
      resourcePath: "/items",
      httpMethod: "GET",
      authorizer: {
        exp: String(Math.floor(Date.now() / 1000) + 600),
        sub: "local-m2m",
        clientId: "local-m2m",
        scope: "items/read",
        principalType: "machine",
        principalId: "local-m2m",
      },
    } as unknown as APIGatewayProxyEvent["requestContext"],
  };
}

/** The items function on a local DynamoDB that checks IAM against `grants`, with its role's credentials in its environment. */
async function machineListsItems(grants: Readonly<Record<RoleName, readonly Grant[]>>): Promise<number> {
  const iam = createLocalIam({ resolve, roleGrants: grants });
  const dynamo = await startDynamo({ port: 0, dataDir: null, iam });
  try {
    await ensureTables(dynamo.endpoint, tables);
    const role = iam.credentialsFor("items", "ApiItems");
    vi.stubEnv("AWS_ACCESS_KEY_ID", role.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", role.secretAccessKey);
    vi.stubEnv("AWS_SESSION_TOKEN", role.sessionToken);
    const handle = createApiHandler(
      loadApiConfig({ ITEMS_TABLE: tables.Items, DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: "us-east-1" }),
      {
        logger: createLogger("function-grants-test"),
      },
    );
    return (await handle(machineListing())).statusCode;
  } finally {
    await dynamo.stop();
  }
}

describe("a function's SDK calls obey its role's declared grants", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("lets the items function Scan for a machine caller's GET /items, as the declaration grants", async () => {
    // Act
    const status = await machineListsItems(roleGrants);
    // Assess
    expect(status).toBe(200);
  });

  it("answers 503 once the declaration no longer grants the items role Scan", async () => {
    // Prepare
    const withoutScan = {
      ...roleGrants,
      items: roleGrants.items.map((grant) => ({ ...grant, actions: grant.actions.filter((action) => action !== "dynamodb:Scan") })),
    };
    // Act
    const status = await machineListsItems(withoutScan);
    // Assess
    expect(status).toBe(503);
  });
});
