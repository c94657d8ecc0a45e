// `npm run sessions -- revoke …`: the operator's way to end sessions in an incident (see sessions-command.ts).
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createIdentifierHash, isAppError } from "@spa-bff/core";
import { loadOperatorConfig, type OperatorConfig } from "./operator-config.ts";
import { revokeSessions } from "./revoke-sessions.ts";
import { parseSessionsCommand } from "./sessions-command.ts";

/** The caller's identity for the audit record: the local administrator, or the stage credentials' IAM ARN. */
async function operatorOf(config: OperatorConfig): Promise<string> {
  if (config.target === "local") return "local administrator";
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const identity = await new STSClient({ region: config.region }).send(new GetCallerIdentityCommand({}));
  return identity.Arn ?? "unknown";
}

function clients(config: OperatorConfig) {
  // The local platform's administrator keys, never real ones; a stage uses the caller's own credential chain.
  const local = config.endpoints ? { credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {};
  return {
    dynamodb: new DynamoDBClient({ region: config.region, ...local, ...(config.endpoints ? { endpoint: config.endpoints.dynamodb } : {}) }),
    cognito: new CognitoIdentityProviderClient({
      region: config.region,
      ...local,
      ...(config.endpoints ? { endpoint: config.endpoints.cognito } : {}),
    }),
  };
}

async function main(): Promise<void> {
  const command = parseSessionsCommand(process.argv.slice(2));
  const config = await loadOperatorConfig(process.env, new URL("../../../../.local/", import.meta.url));
  const { dynamodb, cognito } = clients(config);
  const result = await revokeSessions(
    {
      dynamodb,
      sessionTable: config.sessionTable,
      hash: createIdentifierHash(config.identifierHashKey),
      ...(config.userPoolId ? { cognito: { client: cognito, userPoolId: config.userPoolId } } : {}),
      operator: await operatorOf(config),
      ...(command.reason ? { reason: command.reason } : {}),
      now: Math.floor(Date.now() / 1000),
    },
    command.target,
  );
  process.stdout.write(`Ended ${result.ended} session(s); signed ${result.signedOut} user(s) out of the user pool.\n`);
  process.stdout.write(`${JSON.stringify({ level: "INFO", message: result.audit.event, audit: true, ...result.audit })}\n`);
}

try {
  await main();
} catch (error) {
  // The message only: it names what failed, never a key or a token.
  process.stderr.write(
    `${isAppError(error) && error.code !== "bad_request" ? `${error.code}: ` : ""}${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
