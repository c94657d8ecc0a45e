import { createServer } from "node:net";
import { BadRequestError, ConfigError, ForbiddenError, InternalError, UpstreamError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import type { FileCredentials } from "./credentials.ts";
import { createFileStorage } from "./file-storage.ts";

const now = 1_900_000_000;
const id = "5b1c6f0e-3d2a-4e8b-9c7d-1a2b3c4d5e6f";
const alice = "0d8e4a2c-7b1f-4c3e-9a55-2f6d1e8b9c01";
const creds: FileCredentials = {
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "secret",
  sessionToken: "session-token",
  expiresAt: now + 900,
};

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** A loopback port with nothing listening: any S3 call to it fails. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("createFileStorage().createUploadUrl", () => {
  it("signs a PUT with content-type and content-length in SignedHeaders and a five-minute expiry", async () => {
    // Prepare
    const storage = createFileStorage({ bucket: "spa-bff-files", region: "eu-west-1", newId: () => id });
    // Act
    const upload = await storage.createUploadUrl({ sub: alice, name: "My Cat.png", contentType: "image/png", size: 2048 }, creds, now);
    // Assess
    const url = new URL(upload.url);
    expect(url.origin).toBe("https://spa-bff-files.s3.eu-west-1.amazonaws.com");
    expect(decodeURIComponent(url.pathname)).toBe(`/uploads/${alice}/${id}-My_Cat.png`);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("300");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20300317T174640Z");
    expect(url.searchParams.get("X-Amz-Security-Token")).toBe("session-token");
    // Neither value may ride in the query, where the browser could not be held to it.
    expect(url.searchParams.has("Content-Type")).toBe(false);
    expect(url.searchParams.has("x-amz-checksum-crc32")).toBe(false);
    expect(upload).toMatchObject({
      key: `uploads/${alice}/${id}-My_Cat.png`,
      expiresAt: now + 300,
      headers: { "content-type": "image/png", "content-length": "2048" },
    });
  });

  it("lets the URL die with the credentials when they expire first", async () => {
    // Prepare
    const storage = createFileStorage({ bucket: "spa-bff-files", region: "eu-west-1" });
    // Act
    const upload = await storage.createUploadUrl(
      { sub: alice, name: "a.txt", contentType: "text/plain", size: 1 },
      { ...creds, expiresAt: now + 60 },
      now,
    );
    // Assess
    expect(upload.expiresAt).toBe(now + 60);
    expect(new URL(upload.url).searchParams.get("X-Amz-Expires")).toBe("60");
  });

  it("refuses to sign with expired credentials", async () => {
    // Prepare
    const storage = createFileStorage({ bucket: "spa-bff-files", region: "eu-west-1" });
    // Act
    const error = await failure(
      storage.createUploadUrl({ sub: alice, name: "a.txt", contentType: "text/plain", size: 1 }, { ...creds, expiresAt: now }, now),
    );
    // Assess
    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({ code: "internal_error", message: "The file credentials have expired; renew them before signing" });
  });

  it.each([
    [{ name: "a.html", contentType: "text/html", size: 1 }, "unsupported_content_type"],
    [{ name: "a.png", contentType: "image/png", size: 10 * 1024 * 1024 + 1 }, "file_too_large"],
    [{ name: "\u0000", contentType: "image/png", size: 1 }, "invalid_file_name"],
  ])("validates %j before signing (%s)", async (input, code) => {
    // Prepare
    const storage = createFileStorage({ bucket: "spa-bff-files", region: "eu-west-1" });
    // Act
    const error = await failure(storage.createUploadUrl({ sub: alice, ...input }, creds, now));
    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code });
  });
});

describe("createFileStorage() against an unreachable S3", () => {
  it("refuses another user's key before any S3 call", async () => {
    // Prepare
    const storage = createFileStorage({ bucket: "files", region: "us-east-1", endpoint: `http://127.0.0.1:${await closedPort()}` });
    // Act
    const error = await failure(storage.deleteFile("bob", `uploads/${alice}/${id}-a.txt`, creds));
    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ code: "forbidden", status: 403 });
  });

  it("answers 502 when S3 cannot be reached", async () => {
    // Prepare
    const storage = createFileStorage({ bucket: "files", region: "us-east-1", endpoint: `http://127.0.0.1:${await closedPort()}` });
    // Act
    const error = await failure(storage.listFiles(alice, creds));
    // Assess
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: "upstream_unavailable", status: 502, message: "The file storage is unavailable" });
  });
});

describe("createFileStorage().createDownloadUrl", () => {
  it("signs a GET that downloads as an attachment under the file's own name", async () => {
    // Prepare
    const storage = createFileStorage({ bucket: "spa-bff-files", region: "eu-west-1" });
    // Act
    const download = await storage.createDownloadUrl(alice, `uploads/${alice}/${id}-cat.png`, creds, now);
    // Assess
    const url = new URL(download.url);
    expect(url.searchParams.get("response-content-disposition")).toBe('attachment; filename="cat.png"');
    expect(download.expiresAt).toBe(now + 300);
  });
});

describe("createFileStorage options", () => {
  it("refuses an endpoint that is not on loopback", () => {
    // Act
    const act = () => createFileStorage({ bucket: "files", region: "us-east-1", endpoint: "https://s3.example.com" });
    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow('Invalid S3 endpoint "https://s3.example.com". Expected: a loopback URL (the local S3); leave unset in AWS');
  });
});
