import { isAppError } from "@spa-bff/core";
import { parseCliArgs, resolveCliOptions } from "./cli/cli-config.ts";
import { createM2mClient } from "./client/m2m-client.ts";

// `npm run m2m -- GET /items`: prints the status and the body; exit code 0 on 2xx.
const clientsFile = new URL("../../../.local/clients.json", import.meta.url);

try {
  const command = parseCliArgs(process.argv.slice(2));
  const client = createM2mClient(await resolveCliOptions(process.env, clientsFile));
  const { status, body } = await client.request(command.method, command.path, command.body);
  process.stdout.write(`HTTP ${status}\n${typeof body === "string" ? body : JSON.stringify(body, null, 2)}\n`);
  process.exitCode = status >= 200 && status < 300 ? 0 : 1;
} catch (error) {
  // Only the message: it names what failed and never carries the secret or a token.
  process.stderr.write(`${isAppError(error) ? `${error.code}: ` : ""}${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
