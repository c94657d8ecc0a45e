/**
 * `npm start`: the whole system on loopback, no AWS account. Ports come from
 * EDGE_PORT, IDP_PORT, API_PORT, DYNAMO_PORT and S3_PORT; SPA=static serves web/dist
 * instead of the Vite dev server; LOCAL_DATA_DIR moves the data folder
 * (default .local/); LOGIN_MODE=branded signs users in with the app's own
 * form and an emailed code instead of the IdP's page.
 */
import { join } from "node:path";
import { formatPoolEvent } from "./lambda/index.ts";
import { defaultPorts, type PlatformPorts, repoRoot, startPlatform } from "./platform.ts";

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid ${name}=${JSON.stringify(raw)}. Expected: a port number between 0 and 65535.`);
    process.exit(2);
  }
  return port;
}

const ports: PlatformPorts = {
  edge: portFromEnv("EDGE_PORT", defaultPorts.edge),
  idp: portFromEnv("IDP_PORT", defaultPorts.idp),
  api: portFromEnv("API_PORT", defaultPorts.api),
  dynamo: portFromEnv("DYNAMO_PORT", defaultPorts.dynamo),
  s3: portFromEnv("S3_PORT", defaultPorts.s3),
};
const spaMode = process.env.SPA === "static" ? "static" : "vite";
const loginMode = process.env.LOGIN_MODE ?? "hosted";
if (loginMode !== "hosted" && loginMode !== "branded") {
  console.error(`Invalid LOGIN_MODE=${JSON.stringify(loginMode)}. Expected: "hosted" (the IdP's page) or "branded" (the app's own form).`);
  process.exit(2);
}

let platform: Awaited<ReturnType<typeof startPlatform>>;
try {
  platform = await startPlatform({
    ports,
    loginMode,
    ...(process.env.LOCAL_DATA_DIR ? { dataDir: process.env.LOCAL_DATA_DIR } : {}),
    spa: spaMode === "static" ? { kind: "static", dir: join(repoRoot, "web/dist") } : { kind: "vite", root: join(repoRoot, "web") },
  });
} catch (error) {
  const err = error as NodeJS.ErrnoException & { port?: number };
  if (err.code === "EADDRINUSE" || /EADDRINUSE|already in use/i.test(String(err.message))) {
    console.error(
      `\nA port is already in use: ${err.message}\nStop the other process or choose ports with EDGE_PORT, IDP_PORT, API_PORT, DYNAMO_PORT, S3_PORT.`,
    );
    process.exit(3);
  }
  console.error(`\nThe local platform failed to start: ${err.message}`);
  process.exit(1);
}

const width = 14;
const line = (label: string, value: string) => console.log(`  ${label.padEnd(width)} ${value}`);
console.log("\nspa-bff local platform is up (loopback only, no AWS account)\n");
line("Open", `${platform.urls.app}/`);
line(
  "Edge",
  `${platform.urls.app}  (/auth/*, /api/*, /files/* → BFF; rest → SPA ${spaMode === "vite" ? "via Vite dev server" : "from web/dist"})`,
);
line("IdP", `${platform.urls.idp}  (discovery: /.well-known/openid-configuration; Cognito API at POST /)`);
line(
  "Sign-in",
  loginMode === "branded"
    ? "branded: the app's own form, then a one-time code by email (LOGIN_MODE=branded)"
    : "hosted: the IdP's login page and the code flow (LOGIN_MODE=branded for the app's own form and a code)",
);
line("Functions", "each runs as Lambda does: a pool of instances, one request each, deployed timeouts (cold starts below)");
line("Private API", `${platform.urls.api}  (authorizer + items; reachable only via the BFF from the browser)`);
line("DynamoDB", `${platform.urls.dynamo}  (dynalite, data in ${process.env.LOCAL_DATA_DIR ?? ".local/"})`);
line("S3", `${platform.urls.s3}  (s3rver, bucket ${platform.parts.s3.bucket}; the SPA uploads with presigned URLs from /files)`);
console.log("\n  Demo users:");
for (const user of platform.users) line(`  ${user.username}`, `password: ${user.password}`);
if (loginMode === "branded") line("  (codes)", `every user gets an emailed code: at ${platform.urls.idp}/dev/mailbox and printed here`);
platform.parts.idp.mailbox.onMessage((notice) => console.log(notice));
// Like `sst dev`: a line per cold start, invocation, throttle, timeout and retirement of a function instance.
platform.onFunctionEvent((event) => console.log(`  λ ${formatPoolEvent(event, 28)}`));
console.log(`\n  M2M client:    ${platform.clients.m2m.clientId} (secret in .local/clients.json; try: npm run m2m -- GET /items)`);
console.log("\nPress Ctrl-C to stop.\n");

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping every part…`);
  await platform.stop();
  console.log("Stopped.");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
