/**
 * The local platform's reading of a project's declaration, in its own
 * process: loads the local IAM and DynamoDB of the project at `--root` (a
 * scratch copy with its own packages, or the repository), signs a `Scan` of
 * the items table with the items function's role credentials, as the local
 * platform hands them to that function, starts the local edge in front of a
 * stand-in BFF function and asks it for `/api/items`, and prints as JSON what
 * the local DynamoDB answered (`"allowed"` or the error's name) and the
 * security headers the edge's answer carried:
 * `{"scan":"allowed","headers":{"referrer-policy":"…",…}}`.
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

interface LocalEdgeModule {
  startEdge(options: {
    port: number;
    functions: { prefix: string; invoke: unknown }[];
    spa: { kind: "none" };
  }): Promise<{ url: string; stop(): Promise<void> }>;
}

interface InProcessModule {
  inProcess(handler: () => unknown): unknown;
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
const edgeModule = await load<LocalEdgeModule>("packages/local/src/edge/server.ts");
const inProcessModule = await load<InProcessModule>("packages/local/src/lambda/in-process.ts");

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
// A BFF answer with its own (different) referrer policy, as the BFF sends it: the edge's policy decides what the browser gets.
const bff = inProcessModule.inProcess(async () => ({
  statusCode: 200,
  headers: { "content-type": "application/json", "referrer-policy": "no-referrer" },
  body: "{}",
}));
const edge = await edgeModule.startEdge({ port: 0, functions: [{ prefix: "/api/", invoke: bff }], spa: { kind: "none" } });
const headers: Record<string, string | null> = {};
try {
  const response = await fetch(`${edge.url}/api/items`);
  await response.arrayBuffer();
  for (const name of ["referrer-policy", "x-frame-options", "x-content-type-options", "content-security-policy"]) {
    headers[name] = response.headers.get(name);
  }
} finally {
  await edge.stop();
}
process.stdout.write(`${JSON.stringify({ scan, headers })}\n`);
