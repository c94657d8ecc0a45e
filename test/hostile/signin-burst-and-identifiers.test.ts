/**
 * The branded sign-in under a burst, through the platform's function pools
 * (one request per instance, as Lambda): 25 parallel wrong passwords for one
 * user from one address let at most the per-pair limit reach the user pool,
 * and the right password from another address still works. Then what the
 * burst left behind: no user name or address in the sign-in table, the
 * sessions table or the logs, neither in clear nor as an unkeyed hash.
 */
import { createHash } from "node:crypto";
import { request } from "node:http";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { appLogLines } from "@spa-bff/core/testing";
import { startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let tp: TestPlatform;

beforeAll(async () => {
  // Twelve instances of each function at most: past that, a burst is throttled as Lambda's reserved concurrency would.
  tp = await startTestPlatform({ upstream: "recording", platform: { loginMode: "branded", functions: { maxConcurrency: 12 } } });
}, 120_000);

afterAll(async () => {
  await tp?.stop();
});

/** POST /auth/signin from a given loopback address (the edge passes it on as the viewer's). */
function signIn(from: string, username: string, password: string): Promise<{ status: number; body: string }> {
  const app = new URL(tp.app);
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: app.port,
        localAddress: from,
        method: "POST",
        path: "/auth/signin",
        headers: {
          host: app.host,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          // CloudFront's origin access control signs the body for the function URL: the SPA sends its hash.
          "x-amz-content-sha256": createHash("sha256").update(body).digest("hex"),
          "x-csrf": "1",
          origin: tp.app,
          "sec-fetch-site": "same-origin",
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const attacker = "127.0.0.7";
const realUser = "127.0.0.9";

describe("the branded sign-in under a parallel burst across instances", () => {
  it("lets at most 5 of 25 parallel wrong passwords reach the user pool, and the right password from another address still works", async () => {
    // Prepare
    const cognito = tp.platform.parts.idp.cognito;
    if (!cognito) throw new Error("the branded platform serves no Cognito API");
    const failedBefore = cognito.counters.failedSignIns;
    // Provisioned concurrency for the burst, a few at a time: cold starts are not what this test is about.
    for (let started = 0; started < 12; started += 4) await tp.platform.provision(["bffAuth"], 4);
    // Act
    const answers = await Promise.all(Array.from({ length: 25 }, () => signIn(attacker, "alice", "not-her-password")));
    const real = await signIn(realUser, "alice", tp.password("alice"));
    // Assess
    const reachedPool = cognito.counters.failedSignIns - failedBefore;
    expect(reachedPool).toBeGreaterThan(0);
    expect(reachedPool).toBeLessThanOrEqual(5);
    expect(answers.filter((answer) => answer.status === 429).length).toBeGreaterThanOrEqual(20);
    expect(answers.every((answer) => answer.status === 401 || answer.status === 429)).toBe(true);
    // Served by many instances at once; past the function's concurrency limit the rest were throttled, as Lambda does.
    const stats = tp.platform.functionStats().bffAuth;
    expect(Object.values(stats?.invocationsPerInstance ?? {}).filter((count) => count > 0).length).toBeGreaterThanOrEqual(4);
    expect(stats?.timeouts).toBe(0);
    expect(real.status).toBe(200);
    expect(JSON.parse(real.body)).toMatchObject({ challenge: "CODE" });
  }, 60_000);

  it("leaves no user name or address in the tables or the logs, in clear or as an unkeyed hash", async () => {
    // Prepare
    const texts: string[] = [];
    for (const table of [tp.platform.tables.SignInAttempts, tp.platform.tables.Sessions]) {
      const { Items } = await tp.dynamodb.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
      texts.push(JSON.stringify(Items ?? []));
    }
    texts.push(appLogLines.join("\n"));
    const stored = texts.join("\n");
    const identifiers = ["alice", attacker, realUser];
    const unkeyed = identifiers.flatMap((value) =>
      [value, `user:${value}`, `ip:${value}`, `pair:${value}`].flatMap((text) =>
        (["hex", "base64url", "base64"] as const).map((encoding) => createHash("sha256").update(text).digest(encoding).slice(0, 16)),
      ),
    );
    // Assess
    expect(texts[0]?.length).toBeGreaterThan(10);
    expect(stored).not.toContain(attacker);
    expect(stored).not.toContain(realUser);
    expect(texts[0]).not.toContain("alice");
    for (const hash of unkeyed) expect(stored).not.toContain(hash);
  });
});
