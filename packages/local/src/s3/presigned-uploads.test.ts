// The BFF's files module is not re-exported from @spa-bff/bff yet; switch to the package import once it is.
import { createFileStorage, type FileCredentials, type FileStorage } from "@spa-bff/bff";
import { BadRequestError, ForbiddenError } from "@spa-bff/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalS3, startS3 } from "./start-s3.ts";

const appOrigin = "http://localhost:3000";
const alice = "0d8e4a2c-7b1f-4c3e-9a55-2f6d1e8b9c01";
const bob = "auth0|5f7c1e2d3b4a";

describe("presigned uploads against the local S3", () => {
  let s3: LocalS3;
  let storage: FileStorage;
  let creds: FileCredentials;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    s3 = await startS3({ port: 0, dataDir: null, bucket: "upload-files", corsOrigin: appOrigin });
    storage = createFileStorage({ bucket: s3.bucket, region: "us-east-1", endpoint: s3.endpoint });
    creds = { ...s3.credentials, expiresAt: now() + 900 };
  });

  afterAll(async () => {
    await s3.stop();
  });

  async function upload(sub: string, name: string, body: string, contentType = "text/plain"): Promise<string> {
    const url = await storage.createUploadUrl({ sub, name, contentType, size: Buffer.byteLength(body) }, creds, now());
    const response = await fetch(url.url, { method: "PUT", headers: { "content-type": url.headers["content-type"] }, body });
    expect(response.status).toBe(200);
    return url.key;
  }

  it("uploads through the URL from the app's origin, then lists the file for its owner only", async () => {
    // Prepare
    const url = await storage.createUploadUrl({ sub: alice, name: "notes.txt", contentType: "text/plain", size: 5 }, creds, now());
    // Act
    const response = await fetch(url.url, { method: "PUT", headers: { "content-type": "text/plain", origin: appOrigin }, body: "hello" });
    const aliceFiles = await storage.listFiles(alice, creds);
    const bobFiles = await storage.listFiles(bob, creds);
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(appOrigin);
    expect(aliceFiles).toContainEqual(expect.objectContaining({ key: url.key, name: "notes.txt", size: 5 }));
    expect(bobFiles).toEqual([]);
  });

  it("refuses an upload with another content type than the signed one", async () => {
    // Prepare
    const url = await storage.createUploadUrl({ sub: alice, name: "page.txt", contentType: "text/plain", size: 5 }, creds, now());
    // Act
    const response = await fetch(url.url, { method: "PUT", headers: { "content-type": "text/html" }, body: "<b/>!" });
    const listed = (await storage.listFiles(alice, creds)).map((file) => file.key);
    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect(listed).not.toContain(url.key);
  });

  it("refuses an upload bigger than the signed size", async () => {
    // Prepare
    const url = await storage.createUploadUrl({ sub: alice, name: "small.txt", contentType: "text/plain", size: 5 }, creds, now());
    // Act
    const response = await fetch(url.url, { method: "PUT", headers: { "content-type": "text/plain" }, body: "hello, and much more" });
    const listed = (await storage.listFiles(alice, creds)).map((file) => file.key);
    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect(listed).not.toContain(url.key);
  });

  it("refuses an upload through an expired URL", async () => {
    // Prepare: signed as if six minutes ago, so its five minutes are over.
    const signedAt = now() - 360;
    const url = await storage.createUploadUrl(
      { sub: alice, name: "late.txt", contentType: "text/plain", size: 5 },
      { ...creds, expiresAt: signedAt + 900 },
      signedAt,
    );
    // Act
    const response = await fetch(url.url, { method: "PUT", headers: { "content-type": "text/plain" }, body: "hello" });
    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Request has expired");
  });

  it("refuses a file over the size limit before signing", async () => {
    // Act
    const error = await storage
      .createUploadUrl({ sub: alice, name: "huge.pdf", contentType: "application/pdf", size: 10 * 1024 * 1024 + 1 }, creds, now())
      .catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: "file_too_large", status: 400 });
  });

  it("does not let another user delete or download the file", async () => {
    // Prepare
    const key = await upload(alice, "private.txt", "secret");
    // Act
    const deleteError = await storage.deleteFile(bob, key, creds).catch((caught: unknown) => caught);
    const downloadError = await storage.createDownloadUrl(bob, key, creds, now()).catch((caught: unknown) => caught);
    const stillListed = (await storage.listFiles(alice, creds)).map((file) => file.key);
    // Assess
    expect(deleteError).toBeInstanceOf(ForbiddenError);
    expect(deleteError).toMatchObject({ code: "forbidden", status: 403, message: "The file belongs to another user" });
    expect(downloadError).toBeInstanceOf(ForbiddenError);
    expect(stillListed).toContain(key);
  });

  it("lets the owner download the file as an attachment", async () => {
    // Prepare
    const key = await upload(alice, "report.txt", "the report");
    const download = await storage.createDownloadUrl(alice, key, creds, now());
    // Act
    const response = await fetch(download.url);
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="report.txt"');
    expect(await response.text()).toBe("the report");
  });

  it("lets the owner delete the file, after which it is gone from the list", async () => {
    // Prepare
    const key = await upload(bob, "temp.txt", "temporary");
    // Act
    await storage.deleteFile(bob, key, creds);
    const bobFiles = await storage.listFiles(bob, creds);
    // Assess
    expect(bobFiles.map((file) => file.key)).not.toContain(key);
  });

  it("lists an Auth0-style owner's files under their own prefix only", async () => {
    // Prepare
    const key = await upload(bob, "mine.png", "png-bytes", "image/png");
    // Act
    const bobFiles = await storage.listFiles(bob, creds);
    const aliceFiles = await storage.listFiles(alice, creds);
    // Assess
    expect(bobFiles.map((file) => file.key)).toEqual([key]);
    expect(aliceFiles.map((file) => file.key)).not.toContain(key);
  });
});
