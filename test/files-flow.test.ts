/**
 * Direct uploads (issue 10) end to end over real HTTP: the local platform
 * (IdP, dynalite, the local S3 with its SigV4 checks) and the edge routing
 * `/files/*` to the BFF, driven by a cookie-keeping browser. The S3 calls
 * go straight to the presigned URLs, without cookies or X-CSRF, as the SPA
 * sends them.
 */
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { appLogLines } from "@spa-bff/core/testing";
import type { Platform } from "@spa-bff/local";
import { startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Answer, Browser, type LoginSite, login, spaHeaders } from "./support/browser.ts";

interface Upload {
  url: string;
  key: string;
  expiresAt: number;
  headers: { "content-type": string; "content-length": string };
}

interface Listed {
  key: string;
  name: string;
  size: number;
  lastModified: string;
}

let tp: TestPlatform;
let platform: Platform;
let app: string;
/** Every answer the BFF gave in this file, checked for credentials at the end. */
const answers: Answer[] = [];

beforeAll(async () => {
  tp = await startTestPlatform();
  platform = tp.platform;
  app = tp.app;
});

afterAll(async () => {
  await tp?.stop();
});

/** What `login` from the support module needs of the platform. */
function loginTarget(): LoginSite {
  return { app, password: (username: string) => platform.users.find((user) => user.username === username)?.password ?? "" };
}

async function signedIn(username: string): Promise<{ browser: Browser; sub: string }> {
  const browser = new Browser();
  await login(loginTarget(), browser, username, "/");
  const session = await call(browser, "GET", "/auth/session");
  return { browser, sub: session.json<{ user: { sub: string } }>().user.sub };
}

async function call(browser: Browser, method: string, path: string, body?: unknown): Promise<Answer> {
  const answer = await browser.request(`${app}${path}`, {
    method,
    headers: { ...spaHeaders(app), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  answers.push(answer);
  return answer;
}

async function presign(browser: Browser, name: string, contentType: string, size: number): Promise<Upload> {
  const answer = await call(browser, "POST", "/files/uploads", { name, contentType, size });
  expect(answer.status, answer.body).toBe(201);
  return answer.json<Upload>();
}

/** A PUT as the SPA's XMLHttpRequest sends it: the signed content type, no cookie, no X-CSRF (the browser sets content-length). */
function put(url: string, body: string | Buffer, contentType: string): Promise<Response> {
  return fetch(url, { method: "PUT", headers: { "content-type": contentType, origin: app }, body });
}

async function listed(browser: Browser): Promise<Listed[]> {
  const answer = await call(browser, "GET", "/files");
  expect(answer.status, answer.body).toBe(200);
  return answer.json<{ files: Listed[] }>().files;
}

describe("direct uploads through the BFF and the local S3", () => {
  it("lets a logged-in user upload through a presigned URL, then list, download and delete the file", async () => {
    // Prepare
    const { browser, sub } = await signedIn("alice");
    const content = "Shopping list: apples, pears.\n";
    // Act
    const upload = await presign(browser, "Shopping list.txt", "text/plain", Buffer.byteLength(content));
    const stored = await put(upload.url, content, upload.headers["content-type"]);
    const afterUpload = await listed(browser);
    const download = await call(browser, "GET", `/files/download?key=${encodeURIComponent(upload.key)}`);
    const fetched = await fetch(download.json<{ url: string }>().url);
    const removed = await call(browser, "DELETE", `/files/${encodeURIComponent(upload.key)}`);
    const afterDelete = await listed(browser);
    // Assess
    expect(upload.key).toMatch(new RegExp(`^uploads/${sub}/[0-9a-f-]{36}-Shopping_list\\.txt$`));
    expect(upload.headers).toEqual({ "content-type": "text/plain", "content-length": String(Buffer.byteLength(content)) });
    expect(new URL(upload.url).origin).toBe(platform.urls.s3);
    expect(stored.status).toBe(200);
    expect(stored.headers.get("access-control-allow-origin")).toBe(app);
    expect(afterUpload).toEqual([
      { key: upload.key, name: "Shopping_list.txt", size: Buffer.byteLength(content), lastModified: expect.any(String) },
    ]);
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toBe(content);
    expect(fetched.headers.get("content-disposition")).toBe('attachment; filename="Shopping_list.txt"');
    expect(removed.status).toBe(204);
    expect(afterDelete).toEqual([]);
  });

  it("keeps one user's files from another: bob cannot list, read or delete alice's file", async () => {
    // Prepare
    const alice = await signedIn("alice");
    const bob = await signedIn("bob");
    const upload = await presign(alice.browser, "private.pdf", "application/pdf", 8);
    expect((await put(upload.url, "%PDF-1.7", "application/pdf")).status).toBe(200);
    // Act
    const bobList = await listed(bob.browser);
    const bobRead = await call(bob.browser, "GET", `/files/download?key=${encodeURIComponent(upload.key)}`);
    const bobDelete = await call(bob.browser, "DELETE", `/files/${encodeURIComponent(upload.key)}`);
    const bobDeletePlain = await call(bob.browser, "DELETE", `/files/${upload.key}`);
    const aliceList = await listed(alice.browser);
    // Assess
    expect(bob.sub).not.toBe(alice.sub);
    expect(bobList).toEqual([]);
    expect(bobRead.status).toBe(403);
    expect(bobRead.json()).toEqual({ error: "forbidden", message: "The file belongs to another user" });
    expect(bobDelete.status).toBe(403);
    expect(bobDelete.json()).toEqual({ error: "forbidden", message: "The file belongs to another user" });
    expect(bobDeletePlain.status).toBe(403);
    expect(aliceList.map((file) => file.key)).toContain(upload.key);
  });

  it("has S3 refuse an upload that breaks the signature: another size, another type, no signature", async () => {
    // Prepare
    const { browser } = await signedIn("alice");
    const upload = await presign(browser, "small.txt", "text/plain", 5);
    // Act
    const bigger = await put(upload.url, "hello, and much more", "text/plain");
    const otherType = await put(upload.url, "<b/>!", "text/html");
    const unsigned = await put(upload.url.split("?")[0] ?? "", "hello", "text/plain");
    const files = await listed(browser);
    // Assess
    expect([bigger.status, otherType.status, unsigned.status]).toEqual([403, 403, 403]);
    expect(await otherType.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect(files.map((file) => file.key)).not.toContain(upload.key);
  });

  it("has the BFF refuse oversize, wrong-type and nameless uploads and malformed keys with 400", async () => {
    // Prepare
    const { browser, sub } = await signedIn("bob");
    // Act
    const tooLarge = await call(browser, "POST", "/files/uploads", {
      name: "big.png",
      contentType: "image/png",
      size: 10 * 1024 * 1024 + 1,
    });
    const html = await call(browser, "POST", "/files/uploads", { name: "page.html", contentType: "text/html", size: 10 });
    const svg = await call(browser, "POST", "/files/uploads", { name: "logo.svg", contentType: "image/svg+xml", size: 10 });
    const nameless = await call(browser, "POST", "/files/uploads", { name: "../..", contentType: "text/plain", size: 10 });
    const traversal = await call(browser, "DELETE", `/files/uploads/${sub}/..%2F..%2Fsecrets.txt`);
    const doubleEncoded = await call(browser, "DELETE", `/files/uploads/${sub}/%252e%252e%252fx.txt`);
    // Assess
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.json()).toEqual({ error: "file_too_large", message: '"size" must be at most 10485760 bytes' });
    expect([html.status, svg.status]).toEqual([400, 400]);
    expect(html.json()).toMatchObject({ error: "unsupported_content_type" });
    expect(svg.json()).toMatchObject({ error: "unsupported_content_type" });
    expect(nameless.json()).toEqual({ error: "invalid_file_name", message: '"name" must contain at least one letter or digit' });
    expect(traversal.status).toBe(400);
    expect(traversal.json()).toMatchObject({ error: "invalid_key" });
    expect(doubleEncoded.status).toBe(400);
    expect(doubleEncoded.json()).toMatchObject({ error: "invalid_key" });
  });

  it("keeps the file routes behind the session and the X-CSRF header", async () => {
    // Prepare
    const { browser } = await signedIn("alice");
    // Act
    const anonymous = await new Browser().request(`${app}/files`, { headers: spaHeaders(app) });
    const noCsrf = await browser.request(`${app}/files`, { headers: { accept: "application/json" } });
    // Assess
    expect(anonymous.status).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: "unauthenticated" });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.json()).toMatchObject({ error: "csrf_required" });
  });

  it("never puts S3 credentials in an answer, a log line or the stored session", async () => {
    // Prepare: every set of credentials the local STS issued to the BFF in this file.
    const issued = platform.parts.iam.issuedWebIdentityCredentials();
    const secrets = issued.flatMap((credentials) => [credentials.secretAccessKey, credentials.sessionToken]);
    // Act
    const items = (await tp.dynamodb.send(new ScanCommand({ TableName: platform.tables.Sessions, ConsistentRead: true }))).Items ?? [];
    // Assess
    expect(issued.length).toBeGreaterThan(0);
    expect(answers.length).toBeGreaterThan(10);
    for (const answer of answers) {
      // A presigned URL names the access key id (X-Amz-Credential) and carries the session token by design, as in AWS; nothing else may.
      const withoutUrls = answer.body.replace(/"url":"[^"]*"/g, '"url":""');
      for (const secret of secrets) expect(withoutUrls).not.toContain(secret);
      expect(withoutUrls).not.toMatch(/secretAccessKey|sessionToken|fileCredentials|idToken|X-Amz-Security-Token/);
      for (const { secretAccessKey } of issued) expect(answer.body).not.toContain(secretAccessKey);
    }
    expect(appLogLines.length).toBeGreaterThan(0);
    for (const line of appLogLines) for (const secret of secrets) expect(line).not.toContain(secret);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      const stored = JSON.stringify(item);
      expect(stored).not.toMatch(/secretAccessKey/);
      for (const secret of secrets) expect(stored).not.toContain(secret);
    }
  });
});
