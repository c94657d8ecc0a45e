import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startDynamo } from "../dynamo/start-dynamo.ts";
import { startIdp } from "../idp/start-idp.ts";
import { startS3 } from "../s3/start-s3.ts";

const clients = {
  web: {
    clientId: "local-web",
    clientSecret: "web-secret",
    redirectUris: ["http://localhost:3999/auth/callback"],
    postLogoutRedirectUris: [],
  },
  m2m: { clientId: "local-m2m", clientSecret: "m2m-secret" },
};
let blocker: Server | undefined;

/** Takes a free loopback port, so that a part started on it finds it in use. */
async function takenPort(): Promise<number> {
  blocker = createServer();
  const server = blocker;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  const server = blocker;
  blocker = undefined;
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("a part started on a taken port", () => {
  it.each([
    ["Local DynamoDB", (port: number) => startDynamo({ port, dataDir: null })],
    ["Local IdP", (port: number) => startIdp({ port, keysDir: null, clients })],
    // s3rver's own run() never reported the error: npm start hung instead of exiting.
    ["Local S3", (port: number) => startS3({ port, dataDir: null, bucket: "local-files", corsOrigin: "http://localhost:3000" })],
  ])("%s rejects with a message naming the part and the port", async (part, start) => {
    // Prepare
    const port = await takenPort();
    // Act
    const attempt = start(port);
    // Assess
    await expect(attempt).rejects.toThrow(`${part}: port ${port} on 127.0.0.1 is already in use (EADDRINUSE)`);
  });
});
