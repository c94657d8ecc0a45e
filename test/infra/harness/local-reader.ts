/**
 * The local platform's reading of a project's declaration, in its own
 * process: loads the local IAM and DynamoDB of the project at `--root` (a
 * scratch copy with its own packages, or the repository), signs a `Scan` of
 * the items table with the items function's role credentials, as the local
 * platform hands them to that function, and prints what the local DynamoDB
 * answered as JSON: `{"scan":"allowed"}` or `{"scan":"<error name>"}`.
 *
 *   node --import tsx test/infra/harness/local-reader.ts --root .sst/scratch/two-readers
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";

interface LocalAws {
  createLocalIam(options: { resolve: unknown }): {
    credentialsFor(role: string, sessionName?: string): { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  };
  localArnResolver(resources: { accountId: string; region: string; tables: Record<string, string>; bucket: string }): unknown;
}

interface LocalDynamoModule {
  startDynamo(options: { port: number; dataDir: null; iam: unknown }): Promise<{ endpoint: string; stop(): Promise<void> }>;
  ensureTables(endpoint: string, names: Record<string, string>): Promise<void>;
}

const rootIndex = process.argv.indexOf("--root");
const root = path.resolve(rootIndex >= 0 ? (process.argv[rootIndex + 1] ?? ".") : ".");
const region = "us-east-1";
const accountId = "123456789012";
const tables = { Sessions: "local-Sessions", Items: "local-Items", SignInAttempts: "local-SignInAttempts" };

// The platform's own tooling (table creation) signs as the local account's administrator.
process.env.AWS_REGION = region;
process.env.AWS_ACCESS_KEY_ID = "local";
process.env.AWS_SECRET_ACCESS_KEY = "local";

// Loaded from the project at --root, so its packages resolve its own declaration.
const load = <T>(file: string) => import(pathToFileURL(path.join(root, file)).href) as Promise<T>;
const aws = await load<LocalAws>("packages/local/src/aws/index.ts");
const dynamoModule = await load<LocalDynamoModule>("packages/local/src/dynamo/index.ts");

const iam = aws.createLocalIam({ resolve: aws.localArnResolver({ accountId, region, tables, bucket: "local-files" }) });
const dynamo = await dynamoModule.startDynamo({ port: 0, dataDir: null, iam });
let scan: string;
try {
  await dynamoModule.ensureTables(dynamo.endpoint, tables);
  const items = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region,
    credentials: iam.credentialsFor("items", "ApiItems"),
    maxAttempts: 1,
  });
  try {
    await items.send(new ScanCommand({ TableName: tables.Items }));
    scan = "allowed";
  } catch (error) {
    scan = error instanceof Error ? error.name : String(error);
  } finally {
    items.destroy();
  }
} finally {
  await dynamo.stop();
}
process.stdout.write(`${JSON.stringify({ scan })}\n`);
