import { GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createFiles, type FileCredentials, type Files, loadFilesConfig } from "@spa-bff/bff";
import { ForbiddenError } from "@spa-bff/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type LocalS3, startS3 } from "../s3/start-s3.ts";
import { startTestIssuer, type TestIssuer } from "../testing/test-issuer.ts";
import { localArnResolver } from "./arns.ts";
import { createLocalIam, type LocalIam, localAdminCredentials } from "./local-iam.ts";
import { type LocalSts, startLocalSts } from "./local-sts.ts";

const appOrigin = "http://localhost:3000";
const webClientId = "local-web";
const bucket = "local-files";
const alice = "0d8e4a2c-7b1f-4c3e-9a55-2f6d1e8b9c01";
const bob = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("the local S3 with IAM, reached with the BFF's federated credentials", () => {
  let issuer: TestIssuer;
  let iam: LocalIam;
  let sts: LocalSts;
  let s3: LocalS3;
  let files: Files;
  /** Moves the clock credentials expire by (never the one signatures are dated with). */
  let clockOffsetMs = 0;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    issuer = await startTestIssuer(webClientId);
    iam = createLocalIam({
      resolve: localArnResolver({
        accountId: "123456789012",
        region: "us-east-1",
        tables: { Sessions: "local-Sessions", Items: "local-Items", SignInAttempts: "local-SignInAttempts" },
        bucket,
      }),
      now: () => Date.now() + clockOffsetMs,
    });
    sts = await startLocalSts({ port: 0, iam, issuer: issuer.issuer, audience: webClientId });
    s3 = await startS3({ port: 0, dataDir: null, bucket, corsOrigin: appOrigin, iam });
    // The BFF's own files module, configured as the platform configures it.
    files = createFiles(
      loadFilesConfig({ FILES_BUCKET: bucket, FILES_ROLE_ARN: iam.filesRoleArn, S3_ENDPOINT: s3.endpoint, STS_ENDPOINT: sts.endpoint }),
    );
  });

  afterEach(() => {
    clockOffsetMs = 0;
  });

  afterAll(async () => {
    await s3?.stop();
    await sts?.stop();
    await issuer?.stop();
  });

  async function credentialsOf(sub: string): Promise<FileCredentials> {
    return files.credentials.getCredentials({ sub, idToken: await issuer.idToken({ sub }), now: now() });
  }

  function clientWith(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined }): S3Client {
    return new S3Client({
      region: "us-east-1",
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken,
      },
      maxAttempts: 1,
    });
  }

  async function presignedPut(sub: string, credentials: FileCredentials, body = "hello"): Promise<{ key: string; response: Response }> {
    const upload = await files.storage.createUploadUrl(
      { sub, name: "notes.txt", contentType: "text/plain", size: Buffer.byteLength(body) },
      credentials,
      now(),
    );
    const response = await fetch(upload.url, { method: "PUT", headers: { "content-type": "text/plain", origin: appOrigin }, body });
    return { key: upload.key, response };
  }

  it("lets a user upload to their own prefix through a presigned URL, then list it", async () => {
    // Prepare
    const credentials = await credentialsOf(alice);
    // Act
    const { key, response } = await presignedPut(alice, credentials);
    const listed = await files.storage.listFiles(alice, credentials);
    // Assess
    expect(response.status).toBe(200);
    expect(listed.map((file) => file.key)).toContain(key);
  });

  it("refuses a presigned upload to another user's prefix with S3's AccessDenied", async () => {
    // Prepare: Alice's credentials, and a URL for Bob's prefix (what a BFF bug would sign).
    const credentials = await credentialsOf(alice);
    // Act
    const { key, response } = await presignedPut(bob, credentials);
    const text = await response.text();
    // Assess
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBe(appOrigin);
    expect(text).toContain("<Code>AccessDenied</Code>");
    expect(text).toContain(
      `<Message>User: arn:aws:sts::123456789012:assumed-role/local-files/${alice} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${bucket}/${key}" because no identity-based policy allows the s3:PutObject action</Message>`,
    );
  });

  it("lets the SDK put to the user's own prefix and refuses another user's, as AccessDenied", async () => {
    // Prepare
    const client = clientWith(await credentialsOf(alice));
    // Act
    const own = await client.send(new PutObjectCommand({ Bucket: bucket, Key: `uploads/${alice}/sdk.txt`, Body: "mine" }));
    const other = await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: `uploads/${bob}/sdk.txt`, Body: "not mine" })));
    const root = await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: "index.html", Body: "<b>" })));
    client.destroy();
    // Assess
    expect(own.$metadata.httpStatusCode).toBe(200);
    expect(other.name).toBe("AccessDenied");
    expect(other.$metadata?.httpStatusCode).toBe(403);
    expect(root.name).toBe("AccessDenied");
  });

  it("refuses to read another user's object, signed or presigned", async () => {
    // Prepare
    const bobs = await credentialsOf(bob);
    const { key } = await presignedPut(bob, bobs, "bob's secret");
    const alices = await credentialsOf(alice);
    const client = clientWith(alices);
    // Act
    const read = await failure(client.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
    const download = await files.storage.createDownloadUrl(bob, key, alices, now());
    const fetched = await fetch(download.url);
    const ownerDownload = await files.storage.createDownloadUrl(bob, key, bobs, now());
    const ownerFetched = await fetch(ownerDownload.url);
    client.destroy();
    // Assess
    expect(read.name).toBe("AccessDenied");
    expect(fetched.status).toBe(403);
    expect(await fetched.text()).toContain("s3:GetObject");
    expect(ownerFetched.status).toBe(200);
    expect(ownerFetched.headers.get("content-disposition")).toBe('attachment; filename="notes.txt"');
    expect(await ownerFetched.text()).toBe("bob's secret");
  });

  it("lists only with the user's own prefix: another prefix or none is refused", async () => {
    // Prepare
    const credentials = await credentialsOf(alice);
    const client = clientWith(credentials);
    // Act
    const own = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `uploads/${alice}/` }));
    const other = await failure(client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `uploads/${bob}/` })));
    const whole = await failure(client.send(new ListObjectsV2Command({ Bucket: bucket })));
    const throughTheBff = await failure(files.storage.listFiles(bob, credentials));
    client.destroy();
    // Assess
    expect(own.$metadata.httpStatusCode).toBe(200);
    expect(other.name).toBe("AccessDenied");
    expect(other.message).toContain(`s3:ListBucket on resource: "arn:aws:s3:::${bucket}"`);
    expect(whole.name).toBe("AccessDenied");
    expect(throughTheBff).toBeInstanceOf(ForbiddenError);
  });

  it("refuses expired STS credentials, signed or presigned, with ExpiredToken", async () => {
    // Prepare: a URL signed while the credentials were valid.
    const credentials = await credentialsOf(alice);
    const upload = await files.storage.createUploadUrl(
      { sub: alice, name: "late.txt", contentType: "text/plain", size: 5 },
      credentials,
      now(),
    );
    const client = clientWith(credentials);
    // Act: the credentials' 900 seconds pass (the URL's own X-Amz-Expires is not what ends it).
    clockOffsetMs = 901 * 1000;
    const signed = await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: `uploads/${alice}/late.txt`, Body: "hello" })));
    const presigned = await fetch(upload.url, { method: "PUT", headers: { "content-type": "text/plain" }, body: "hello" });
    client.destroy();
    // Assess
    expect(signed.name).toBe("ExpiredToken");
    expect(signed.$metadata?.httpStatusCode).toBe(400);
    expect(presigned.status).toBe(400);
    expect(await presigned.text()).toContain("<Code>ExpiredToken</Code><Message>The provided token has expired.</Message>");
  });

  it("refuses a presigned URL whose signature was tampered with", async () => {
    // Prepare
    const credentials = await credentialsOf(alice);
    const upload = await files.storage.createUploadUrl(
      { sub: alice, name: "a.txt", contentType: "text/plain", size: 5 },
      credentials,
      now(),
    );
    const url = new URL(upload.url);
    const signature = url.searchParams.get("X-Amz-Signature") ?? "";
    url.searchParams.set("X-Amz-Signature", `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`);
    // Act
    const response = await fetch(url, { method: "PUT", headers: { "content-type": "text/plain" }, body: "hello" });
    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });

  it("refuses a function role's keys (the BFF's role has no S3 grant)", async () => {
    // Prepare
    const client = clientWith(iam.credentialsFor("bff", "BffFiles"));
    // Act
    const error = await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: "uploads/bff/x.txt", Body: "x" })));
    client.destroy();
    // Assess
    expect(error.name).toBe("AccessDenied");
    expect(error.message).toContain("assumed-role/bff/BffFiles is not authorized to perform: s3:PutObject");
  });

  it("answers unknown keys, missing tokens and wrong tokens as S3 does", async () => {
    // Prepare
    const role = iam.credentialsFor("items");
    const stranger = clientWith({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" });
    const tokenless = clientWith({ accessKeyId: role.accessKeyId, secretAccessKey: role.secretAccessKey });
    const wrongToken = clientWith({ ...role, sessionToken: iam.credentialsFor("bff").sessionToken });
    // Act
    const unknown = await failure(stranger.send(new ListBucketsCommand({})));
    const missing = await failure(tokenless.send(new ListBucketsCommand({})));
    const wrong = await failure(wrongToken.send(new ListBucketsCommand({})));
    for (const client of [stranger, tokenless, wrongToken]) client.destroy();
    // Assess
    expect(unknown).toMatchObject({ name: "InvalidAccessKeyId", $metadata: { httpStatusCode: 403 } });
    expect(missing).toMatchObject({ name: "InvalidAccessKeyId", $metadata: { httpStatusCode: 403 } });
    expect(wrong).toMatchObject({ name: "InvalidToken", $metadata: { httpStatusCode: 400 } });
  });

  it("lets the administrator keys do anything", async () => {
    // Prepare
    const client = clientWith({ ...localAdminCredentials });
    // Act
    const buckets = await client.send(new ListBucketsCommand({}));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    client.destroy();
    // Assess
    expect(buckets.Buckets?.map((b) => b.Name)).toEqual([bucket]);
    expect(listed.$metadata.httpStatusCode).toBe(200);
    expect(s3.credentials).toEqual({ ...localAdminCredentials });
  });
});
