import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { createLogger } from "@spa-bff/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createBffHandler } from "../app/bff-handler.ts";
import { loadBffConfig } from "../config.ts";
import { createFiles } from "../files/create-files.ts";
import { functionUrlEvent, handlerEnv, memorySessionLayer, testNow, testSignIn } from "../testing/fixtures.ts";
import { keyFromPath } from "./files.ts";

const baseEnv = { ...handlerEnv, AWS_REGION: "eu-west-1" };
const roleArn = "arn:aws:iam::123456789012:role/spa-bff-dev-files";
const config = loadBffConfig({ ...baseEnv, FILES_BUCKET: "spa-bff-dev-files", FILES_ROLE_ARN: roleArn });
const start = testNow;
const idToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.id-token-signature";
const stsSecrets = {
  accessKeyId: "ASIAFEDERATED",
  secretAccessKey: "federated-secret-key-value",
  sessionToken: "federated-session-token-value",
};
const sts = mockClient(STSClient);

afterEach(() => {
  sts.reset();
});

const event = functionUrlEvent;

function stsAnswers(expiresAt: number) {
  sts.on(AssumeRoleWithWebIdentityCommand).resolves({
    Credentials: {
      AccessKeyId: stsSecrets.accessKeyId,
      SecretAccessKey: stsSecrets.secretAccessKey,
      SessionToken: stsSecrets.sessionToken,
      Expiration: new Date(expiresAt * 1000),
    },
  });
}

async function setup(options: { idToken?: string | null; env?: Record<string, string> } = {}) {
  const bffConfig = options.env ? loadBffConfig({ ...baseEnv, ...options.env }) : config;
  const { store, sealer, sessions } = memorySessionLayer(bffConfig.session);
  const logger = createLogger("bff-files-unit");
  const logged: string[] = [];
  for (const level of ["debug", "info", "warn", "error"] as const)
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => void logged.push(JSON.stringify(args)));
  const clock = { now: start };
  const files = bffConfig.files ? createFiles(bffConfig.files, { stsClient: new STSClient({ region: "eu-west-1" }) }) : undefined;
  const handler = createBffHandler(bffConfig, {
    sessionStore: store,
    sealer,
    logger,
    clock: () => clock.now,
    idpFetch: vi.fn(async () => {
      throw new TypeError("fetch failed");
    }) as unknown as typeof fetch,
    ...(files ? { files } : {}),
  });
  const session = await sessions.create(
    {
      ...testSignIn,
      user: { sub: "user-1", name: "Ann" },
      tokens: {
        accessToken: "access-token-value-1",
        accessTokenExpiresAt: start + 3600,
        refreshToken: "refresh-token-value-1",
        ...(options.idToken === null ? {} : { idToken: options.idToken ?? idToken }),
      },
    },
    start,
  );
  /** The file credentials the session holds now. */
  const storedCredentials = async () => (await sessions.get(session.id, clock.now))?.tokens.fileCredentials;
  return { handler, store, session, logged, clock, storedCredentials };
}

const upload = { name: "holiday photo.png", contentType: "image/png", size: 2048 };

function body(response: { body?: string }): Record<string, unknown> {
  return JSON.parse(response.body ?? "") as Record<string, unknown>;
}

describe("file routes", () => {
  it("answers 404 not_found for /files when no bucket is configured", async () => {
    // Prepare
    const { handler, session } = await setup({ env: {} });
    // Act
    const response = await handler(event("GET", "/files", { cookie: session.id }));
    // Assess
    expect(response.statusCode).toBe(404);
    expect(body(response)).toEqual({ error: "not_found", message: "No such route" });
  });

  it("presigns a PUT under the user's prefix with the type and size bound, from federated credentials", async () => {
    // Prepare
    stsAnswers(start + 900);
    const { handler, session } = await setup();
    // Act
    const response = await handler(event("POST", "/files/uploads", { cookie: session.id, body: upload }));
    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.headers?.["cache-control"]).toBe("no-store");
    const answer = body(response);
    expect(answer.key).toMatch(/^uploads\/user-1\/[0-9a-f-]{36}-holiday_photo\.png$/);
    expect(answer.expiresAt).toBe(start + 300);
    expect(answer.headers).toEqual({ "content-type": "image/png", "content-length": "2048" });
    const url = new URL(String(answer.url));
    expect(url.host).toBe("spa-bff-dev-files.s3.eu-west-1.amazonaws.com");
    expect(url.pathname).toBe(`/${String(answer.key)}`);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(/^ASIAFEDERATED\//);
    const calls = sts.commandCalls(AssumeRoleWithWebIdentityCommand);
    expect(calls.map((call) => call.args[0].input)).toEqual([
      { RoleArn: roleArn, RoleSessionName: "user-1", WebIdentityToken: idToken, DurationSeconds: 900 },
    ]);
  });

  it("keeps the credentials in the session and asks STS again only shortly before they expire", async () => {
    // Prepare
    stsAnswers(start + 900);
    const { handler, session, clock, storedCredentials } = await setup();
    // Act
    await handler(event("POST", "/files/uploads", { cookie: session.id, body: upload }));
    clock.now = start + 600;
    const second = await handler(event("POST", "/files/uploads", { cookie: session.id, body: upload }));
    const cachedCalls = sts.commandCalls(AssumeRoleWithWebIdentityCommand).length;
    clock.now = start + 800;
    await handler(event("POST", "/files/uploads", { cookie: session.id, body: upload }));
    // Assess
    expect(second.statusCode).toBe(201);
    expect(cachedCalls).toBe(1);
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(2);
    expect(await storedCredentials()).toEqual({ ...stsSecrets, expiresAt: start + 900 });
  });

  it("still answers when another request wrote the session first (a lost race keeps the credentials it has)", async () => {
    // Prepare
    stsAnswers(start + 900);
    const { handler, store, session, storedCredentials } = await setup();
    vi.spyOn(store, "replaceTokens").mockResolvedValue(undefined);
    // Act
    const response = await handler(event("POST", "/files/uploads", { cookie: session.id, body: upload }));
    // Assess
    expect(response.statusCode).toBe(201);
    expect(await storedCredentials()).toBeUndefined();
  });

  it("never sends the secret key or the ID token to the browser, nor logs any credential", async () => {
    // Prepare
    stsAnswers(start + 900);
    const { handler, session, logged } = await setup();
    // Act
    const responses = [
      await handler(event("POST", "/files/uploads", { cookie: session.id, body: upload })),
      await handler(event("POST", "/files/uploads", { cookie: session.id, body: { ...upload, contentType: "text/html" } })),
      await handler(event("DELETE", "/files/uploads/user-2/0b6f3c7e-8a43-4c1e-9d2a-1f2e3d4c5b6a-x.png", { cookie: session.id })),
    ];
    // Assess
    const sent = responses.map((response) => JSON.stringify(response)).join("\n");
    for (const secret of [stsSecrets.secretAccessKey, idToken, "access-token-value-1", "refresh-token-value-1"]) {
      expect(sent).not.toContain(secret);
    }
    expect(sent).not.toMatch(/secretAccessKey|sessionToken|fileCredentials/);
    const logText = logged.join("\n");
    for (const secret of [...Object.values(stsSecrets), idToken]) expect(logText).not.toContain(secret);
  });

  it("refuses a request without X-CSRF before any credentials are requested", async () => {
    // Prepare
    const { handler, session } = await setup();
    // Act
    const response = await handler(event("GET", "/files", { cookie: session.id, headers: { "x-csrf": "" } }));
    // Assess
    expect(response.statusCode).toBe(403);
    expect(body(response)).toMatchObject({ error: "csrf_required" });
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(0);
  });

  it("refuses a cross-site request", async () => {
    // Prepare
    const { handler, session } = await setup();
    // Act
    const response = await handler(event("GET", "/files", { cookie: session.id, headers: { origin: "https://evil.example" } }));
    // Assess
    expect(response.statusCode).toBe(403);
    expect(body(response)).toMatchObject({ error: "cross_site_request" });
  });

  it("answers 401 unauthenticated without a session", async () => {
    // Prepare
    const { handler } = await setup();
    // Act
    const response = await handler(event("GET", "/files"));
    // Assess
    expect(response.statusCode).toBe(401);
    expect(body(response)).toMatchObject({ error: "unauthenticated" });
  });

  it.each([
    [{ ...upload, contentType: "text/html" }, "unsupported_content_type", '"contentType" must be one of'],
    [{ ...upload, size: 10 * 1024 * 1024 + 1 }, "file_too_large", '"size" must be at most 10485760 bytes'],
    [{ ...upload, name: "../.." }, "invalid_file_name", '"name" must contain at least one letter or digit'],
    [{ ...upload, size: "12" }, "bad_request", '"size" must be a whole number of bytes'],
    ["not json", "bad_request", "The body must be a JSON object"],
  ])("refuses the upload request %j with 400 %s before asking STS", async (request, code, message) => {
    // Prepare
    const { handler, session } = await setup();
    // Act
    const response = await handler(event("POST", "/files/uploads", { cookie: session.id, body: request }));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(body(response)).toMatchObject({ error: code, message: expect.stringContaining(message) });
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(0);
  });

  it("refuses to delete another user's file with 403 forbidden", async () => {
    // Prepare
    stsAnswers(start + 900);
    const { handler, session } = await setup();
    // Act
    const response = await handler(
      event("DELETE", "/files/uploads%2Fuser-2%2F0b6f3c7e-8a43-4c1e-9d2a-1f2e3d4c5b6a-x.png", { cookie: session.id }),
    );
    // Assess
    expect(response.statusCode).toBe(403);
    expect(body(response)).toEqual({ error: "forbidden", message: "The file belongs to another user" });
  });

  it.each([
    "/files/uploads/user-1/..%2F..%2Fuser-2%2Fx.png",
    "/files/uploads/user-1/%252e%252e/x.png",
    "/files/uploads/user-1/%E0%A4%A.png",
    "/files/",
  ])("refuses the malformed key in %s with 400 invalid_key before asking STS", async (path) => {
    // Prepare
    const { handler, session } = await setup();
    // Act
    const response = await handler(event("DELETE", path, { cookie: session.id }));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(body(response)).toMatchObject({ error: "invalid_key" });
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(0);
  });

  it("refuses a download link for another user's file with 403 forbidden", async () => {
    // Prepare
    stsAnswers(start + 900);
    const { handler, session } = await setup();
    // Act
    const response = await handler(
      event("GET", "/files/download", {
        cookie: session.id,
        query: `key=${encodeURIComponent("uploads/user-2/0b6f3c7e-8a43-4c1e-9d2a-1f2e3d4c5b6a-x.png")}`,
      }),
    );
    // Assess
    expect(response.statusCode).toBe(403);
    expect(body(response)).toMatchObject({ error: "forbidden" });
  });

  it("presigns a download of the user's own file as an attachment", async () => {
    // Prepare
    stsAnswers(start + 900);
    const { handler, session } = await setup();
    const key = "uploads/user-1/0b6f3c7e-8a43-4c1e-9d2a-1f2e3d4c5b6a-x.png";
    // Act
    const response = await handler(event("GET", "/files/download", { cookie: session.id, query: `key=${encodeURIComponent(key)}` }));
    // Assess
    expect(response.statusCode).toBe(200);
    const url = new URL(String(body(response).url));
    expect(url.pathname).toBe(`/${key}`);
    expect(url.searchParams.get("response-content-disposition")).toBe('attachment; filename="x.png"');
  });

  it("answers 403 forbidden and caches nothing when STS refuses the ID token", async () => {
    // Prepare
    const refused = new Error(`InvalidIdentityToken: ${idToken}`);
    refused.name = "InvalidIdentityTokenException";
    sts.on(AssumeRoleWithWebIdentityCommand).rejects(refused);
    const { handler, session, logged, storedCredentials } = await setup();
    // Act
    const response = await handler(event("POST", "/files/uploads", { cookie: session.id, body: upload }));
    // Assess
    expect(response.statusCode).toBe(403);
    expect(body(response)).toEqual({ error: "forbidden", message: "File storage is not available to this account" });
    expect(await storedCredentials()).toBeUndefined();
    expect(logged.join("\n")).not.toContain(idToken);
  });

  it("answers 403 forbidden for a session without an ID token", async () => {
    // Prepare
    const { handler, session } = await setup({ idToken: null });
    // Act
    const response = await handler(event("GET", "/files", { cookie: session.id }));
    // Assess
    expect(response.statusCode).toBe(403);
    expect(body(response)).toMatchObject({ error: "forbidden", message: expect.stringContaining("ID token") });
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(0);
  });
});

describe("keyFromPath", () => {
  it("decodes the rest of the path exactly once", () => {
    expect(keyFromPath("/files/uploads%2Fa%2Fb")).toBe("uploads/a/b");
    expect(keyFromPath("/files/uploads/a/%252e")).toBe("uploads/a/%2e");
  });

  it("refuses a broken percent-encoding with invalid_key", () => {
    expect(() => keyFromPath("/files/%E0%A4%A")).toThrowError(expect.objectContaining({ code: "invalid_key", status: 400 }));
  });
});
