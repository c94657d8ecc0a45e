import { readFile } from "node:fs/promises";
import { ConfigError, decodeIdentifierHashKey, linkedEnv } from "@spa-bff/core";

/** Where the sessions command works: the table, the hash key of its partitions, and the user pool. */
export interface OperatorConfig {
  target: "local" | "stage";
  region: string;
  sessionTable: string;
  identifierHashKey: Buffer;
  /** Absent: no Cognito sign-out (a stage with another IdP). */
  userPoolId?: string;
  /** Loopback endpoints of the local platform; absent for a stage. */
  endpoints?: { dynamodb: string; cognito: string };
}

/** What the local platform writes for this command when it starts (`.local/sessions-operator.json`). */
export interface LocalOperatorFile {
  region: string;
  sessionTable: string;
  dynamodbEndpoint: string;
  cognitoEndpoint: string;
  userPoolId: string;
}

/**
 * The command's configuration. A stage's comes from the environment under
 * the BFF's own names (`SESSION_TABLE`, `IDENTIFIER_HASH_KEY`,
 * `COGNITO_USER_POOL_ID`, `AWS_REGION`), or from SST links when run through
 * `sst shell`; without them, the running local platform's, from the files it
 * writes into `.local/`.
 */
export async function loadOperatorConfig(env: Record<string, string | undefined>, localDir: URL): Promise<OperatorConfig> {
  const linked = { ...linkedEnv(operatorLinks, env), ...definedOnly(env) };
  if (linked.SESSION_TABLE) {
    const key = decodeIdentifierHashKey(linked.IDENTIFIER_HASH_KEY ?? "");
    if (!key)
      throw new ConfigError(
        "IDENTIFIER_HASH_KEY is missing or not base64url of at least 32 bytes (the stage's key, e.g. through `sst shell`)",
      );
    const region = linked.AWS_REGION ?? linked.COGNITO_USER_POOL_ID?.split("_")[0];
    if (!region) throw new ConfigError("AWS_REGION is missing (the stage's region)");
    return {
      target: "stage",
      region,
      sessionTable: linked.SESSION_TABLE,
      identifierHashKey: key,
      ...(linked.COGNITO_USER_POOL_ID ? { userPoolId: linked.COGNITO_USER_POOL_ID } : {}),
    };
  }
  const local = await readLocal(localDir);
  return {
    target: "local",
    region: local.file.region,
    sessionTable: local.file.sessionTable,
    identifierHashKey: local.key,
    userPoolId: local.file.userPoolId,
    endpoints: { dynamodb: local.file.dynamodbEndpoint, cognito: local.file.cognitoEndpoint },
  };
}

/** The stage's links an `sst shell` session carries, under the BFF's variable names. */
const operatorLinks = {
  SESSION_TABLE: ["Sessions", "name"],
  IDENTIFIER_HASH_KEY: ["IdentifierHashKey", "value"],
  COGNITO_USER_POOL_ID: ["UserPool", "id"],
} as const;

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== ""),
  );
}

async function readLocal(localDir: URL): Promise<{ file: LocalOperatorFile; key: Buffer }> {
  let text: string;
  let keyText: string;
  try {
    text = await readFile(new URL("sessions-operator.json", localDir), "utf8");
    keyText = await readFile(new URL("identifier-hash-key", localDir), "utf8");
  } catch {
    throw new ConfigError("No local platform found: start it with `npm start`, or set SESSION_TABLE and IDENTIFIER_HASH_KEY for a stage");
  }
  const key = decodeIdentifierHashKey(keyText.trim());
  if (!key) throw new ConfigError(".local/identifier-hash-key is not a valid key; delete it and restart `npm start`");
  return { file: JSON.parse(text) as LocalOperatorFile, key };
}
