import { access, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalS3, localS3Credentials, startS3 } from "./start-s3.ts";

const appOrigin = "http://localhost:3000";

function clientFor(s3: LocalS3): S3Client {
  return new S3Client({
    region: "us-east-1",
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: s3.credentials,
    maxAttempts: 1,
  });
}

async function preflight(s3: LocalS3, origin: string, method = "PUT"): Promise<Response> {
  return fetch(`${s3.endpoint}/${s3.bucket}/uploads/alice/5b1c6f0e-3d2a-4e8b-9c7d-1a2b3c4d5e6f-cat.png`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type" },
  });
}

describe("startS3", () => {
  let s3: LocalS3;

  beforeAll(async () => {
    s3 = await startS3({ port: 0, dataDir: null, bucket: "test-files", corsOrigin: appOrigin });
  });

  afterAll(async () => {
    await s3.stop();
  });

  it("listens on a loopback port and uses s3rver's built-in account", () => {
    // Assess
    expect(s3.endpoint).toBe(`http://127.0.0.1:${s3.port}`);
    expect(s3.port).toBeGreaterThan(0);
    expect(s3.credentials).toEqual({ accessKeyId: "S3RVER", secretAccessKey: "S3RVER" });
    expect(localS3Credentials).toEqual(s3.credentials);
  });

  it("creates the bucket", async () => {
    // Prepare
    const client = clientFor(s3);
    // Act
    const head = await client.send(new HeadBucketCommand({ Bucket: "test-files" }));
    const list = await client.send(new ListBucketsCommand({}));
    client.destroy();
    // Assess
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(list.Buckets?.map((bucket) => bucket.Name)).toEqual(["test-files"]);
  });

  it("allows a CORS preflight for a PUT with content-type from the app's origin", async () => {
    // Act
    const response = await preflight(s3, appOrigin);
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type");
    expect(response.headers.get("access-control-allow-origin")).not.toBeNull();
  });

  it("refuses a CORS preflight from another origin", async () => {
    // Act
    const response = await preflight(s3, "http://evil.example");
    // Assess
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(await response.text()).toContain("<Code>CORSResponse</Code>");
  });

  it("refuses a CORS preflight for a method the rule does not allow", async () => {
    // Act
    const response = await preflight(s3, appOrigin, "DELETE");
    // Assess
    expect(response.status).toBe(403);
  });

  it("refuses an unsigned upload as S3 does for a private bucket", async () => {
    // Act
    const response = await fetch(`${s3.endpoint}/${s3.bucket}/uploads/alice/x.txt`, {
      method: "PUT",
      headers: { "content-type": "text/plain", origin: appOrigin },
      body: "hello",
    });
    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("<Code>AccessDenied</Code>");
    expect(response.headers.get("access-control-allow-origin")).toBe(appOrigin);
  });

  it("refuses a request signed with an unknown key", async () => {
    // Prepare
    const client = new S3Client({
      region: "us-east-1",
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIAOTHER", secretAccessKey: "other" },
      maxAttempts: 1,
    });
    // Act
    const error = await client.send(new ListBucketsCommand({})).catch((caught: unknown) => caught);
    client.destroy();
    // Assess
    expect(error).toMatchObject({ name: "InvalidAccessKeyId", $metadata: { httpStatusCode: 403 } });
  });
});

describe("startS3 lifecycle", () => {
  it("removes its temporary folder on stop and starts again on the same port with the bucket", async () => {
    // Prepare
    const s3 = await startS3({ port: 0, dataDir: null, bucket: "restart-files", corsOrigin: appOrigin });
    const port = s3.port;
    const firstFolder = s3.directory;
    // Act
    await s3.stop();
    const folderGone =
      firstFolder !== null &&
      (await access(firstFolder).then(
        () => false,
        () => true,
      ));
    const refused = await fetch(`${s3.endpoint}/`).then(
      () => false,
      () => true,
    );
    await s3.start();
    const client = clientFor(s3);
    const head = await client.send(new HeadBucketCommand({ Bucket: "restart-files" }));
    client.destroy();
    await s3.stop();
    // Assess
    expect(firstFolder).not.toBeNull();
    expect(folderGone).toBe(true);
    expect(refused).toBe(true);
    expect(s3.port).toBe(port);
    expect(head.$metadata.httpStatusCode).toBe(200);
  });

  it("keeps objects in a given data folder across restarts and leaves the folder in place", async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), "spa-bff-s3-test-"));
    const s3 = await startS3({ port: 0, dataDir, bucket: "kept-files", corsOrigin: appOrigin });
    // Act
    await s3.stop();
    const entries = await readdir(dataDir);
    // Assess
    expect(entries).toContain("kept-files");
    await expect(access(dataDir)).resolves.toBeUndefined();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses a CORS origin with a path", async () => {
    // Act
    const started = startS3({ port: 0, dataDir: null, bucket: "x-files", corsOrigin: "http://localhost:3000/app" });
    // Assess
    await expect(started).rejects.toThrow('"corsOrigin" must be an origin without path, got "http://localhost:3000/app"');
  });
});
