import { AdminUserGlobalSignOutCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it } from "vitest";
import { type SignedRequest, verifySigV4 } from "./sigv4-verifier.ts";

const signedAt = new Date("2030-01-01T12:00:00Z");
const secrets = (accessKeyId: string) => (accessKeyId === "S3RVER" ? "S3RVER" : undefined);

function client(secretAccessKey = "S3RVER"): S3Client {
  return new S3Client({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:4569",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
  });
}

/** A presigned PUT as the BFF makes it, turned into the request a browser would send with the given type and size. */
async function presignedPut(options: { secret?: string; contentType?: string; contentLength?: string } = {}): Promise<SignedRequest> {
  const url = new URL(
    await getSignedUrl(
      client(options.secret),
      new PutObjectCommand({
        Bucket: "files",
        Key: "uploads/alice/5b1c6f0e-3d2a-4e8b-9c7d-1a2b3c4d5e6f-cat.png",
        ContentType: "image/png",
        ContentLength: 5,
      }),
      { expiresIn: 300, signingDate: signedAt, signableHeaders: new Set(["content-type", "content-length"]) },
    ),
  );
  return {
    method: "PUT",
    url: `${url.pathname}${url.search}`,
    headers: { host: url.host, "content-type": options.contentType ?? "image/png", "content-length": options.contentLength ?? "5" },
  };
}

/** The Authorization-header request the SDK sends for ListObjectsV2, captured after signing instead of being sent. */
async function headerSignedList(): Promise<SignedRequest> {
  const s3 = client();
  let captured: SignedRequest | undefined;
  s3.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { method: string; path: string; query: Record<string, string>; headers: Record<string, string> };
      const search = new URLSearchParams(request.query).toString().replace(/\+/g, "%20");
      captured = { method: request.method, url: `${request.path}${search ? `?${search}` : ""}`, headers: lowerCase(request.headers) };
      throw new Error("captured");
    },
    { step: "deserialize", priority: "low" },
  );
  await s3.send(new ListObjectsV2Command({ Bucket: "files", Prefix: "uploads/alice/" })).catch(() => undefined);
  if (!captured) throw new Error("the request was not captured");
  return captured;
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function withQuery(request: SignedRequest, name: string, value: string): SignedRequest {
  const url = new URL(request.url, "http://placeholder");
  url.searchParams.set(name, value);
  return { ...request, url: `${url.pathname}${url.search}` };
}

describe("verifySigV4 with a presigned URL", () => {
  it("accepts the request the URL was signed for", async () => {
    // Prepare
    const request = await presignedPut();
    // Act
    const result = verifySigV4(request, secrets, signedAt);
    // Assess
    expect(result).toEqual({ ok: true, accessKeyId: "S3RVER" });
  });

  it("refuses another content type than the signed one", async () => {
    // Prepare
    const request = await presignedPut({ contentType: "text/html" });
    // Act
    const result = verifySigV4(request, secrets, signedAt);
    // Assess
    expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it("refuses another content length than the signed one", async () => {
    // Prepare
    const request = await presignedPut({ contentLength: "6" });
    // Act
    const result = verifySigV4(request, secrets, signedAt);
    // Assess
    expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it("refuses the URL used for another key", async () => {
    // Prepare
    const request = await presignedPut();
    const moved = { ...request, url: request.url.replace("uploads/alice/", "uploads/bob/") };
    // Act
    const result = verifySigV4(moved, secrets, signedAt);
    // Assess
    expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it("refuses the URL used with another method", async () => {
    // Prepare
    const request = await presignedPut();
    // Act
    const result = verifySigV4({ ...request, method: "DELETE" }, secrets, signedAt);
    // Assess
    expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it("refuses a lengthened expiry", async () => {
    // Prepare
    const request = withQuery(await presignedPut(), "X-Amz-Expires", "604800");
    // Act
    const result = verifySigV4(request, secrets, signedAt);
    // Assess
    expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it("refuses a URL signed with another secret", async () => {
    // Prepare
    const request = await presignedPut({ secret: "not-the-secret" });
    // Act
    const result = verifySigV4(request, secrets, signedAt);
    // Assess
    expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it("refuses an unknown access key", async () => {
    // Prepare
    const request = await presignedPut();
    // Act
    const result = verifySigV4(request, () => undefined, signedAt);
    // Assess
    expect(result).toMatchObject({ ok: false, code: "InvalidAccessKeyId" });
  });

  it("refuses the URL once it has expired", async () => {
    // Prepare
    const request = await presignedPut();
    // Act
    const result = verifySigV4(request, secrets, new Date(signedAt.getTime() + 301_000));
    // Assess
    expect(result).toEqual({ ok: false, code: "AccessDenied", message: "Request has expired" });
  });

  it("refuses a request when a signed header is missing", async () => {
    // Prepare
    const request = await presignedPut();
    const { "content-type": _dropped, ...headers } = request.headers;
    // Act
    const result = verifySigV4({ ...request, headers }, secrets, signedAt);
    // Assess
    expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it("refuses an unsigned request", () => {
    // Act
    const result = verifySigV4({ method: "PUT", url: "/files/uploads/alice/x.png", headers: { host: "127.0.0.1" } }, secrets, signedAt);
    // Assess
    expect(result).toMatchObject({ ok: false, code: "AccessDenied" });
  });
});

describe("verifySigV4 with an Authorization header", () => {
  it("accepts the SDK's signed request", async () => {
    // Prepare
    const request = await headerSignedList();
    // Act
    const result = verifySigV4(request, secrets, new Date(Date.now()));
    // Assess
    expect(result).toEqual({ ok: true, accessKeyId: "S3RVER" });
  });

  it("refuses the request with a changed query", async () => {
    // Prepare
    const request = withQuery(await headerSignedList(), "prefix", "uploads/bob/");
    // Act
    const result = verifySigV4(request, secrets, new Date(Date.now()));
    // Assess
    expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it("refuses a request signed more than 15 minutes ago", async () => {
    // Prepare
    const request = await headerSignedList();
    // Act
    const result = verifySigV4(request, secrets, new Date(Date.now() + 16 * 60 * 1000));
    // Assess
    expect(result).toMatchObject({ ok: false, code: "RequestTimeTooSkewed" });
  });
});

/** The SigV4 request the SDK sends to a JSON service (Cognito's admin API), with its body, captured after signing. */
async function signedJsonRequest(): Promise<SignedRequest & { body: Uint8Array }> {
  const cognito = new CognitoIdentityProviderClient({
    region: "eu-west-1",
    endpoint: "http://127.0.0.1:4570",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  let captured: (SignedRequest & { body: Uint8Array }) | undefined;
  cognito.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { method: string; path: string; headers: Record<string, string>; body: Uint8Array };
      // Copied byte by byte: Buffer.from would call valueOf(), which the SDK's body object warns about.
      captured = {
        method: request.method,
        url: request.path,
        headers: lowerCase(request.headers),
        body: Buffer.from(new Uint8Array(request.body)),
      };
      throw new Error("captured");
    },
    { step: "deserialize", priority: "low" },
  );
  await cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: "eu-west-1_Local1", Username: "alice" })).catch(() => undefined);
  if (!captured) throw new Error("the request was not captured");
  return captured;
}

describe("verifySigV4 with the payload (AWS JSON services)", () => {
  it("accepts the SDK's signed request with its body", async () => {
    // Prepare
    const request = await signedJsonRequest();
    // Act
    const result = verifySigV4(request, secrets, new Date(Date.now()));
    // Assess
    expect(result).toEqual({ ok: true, accessKeyId: "S3RVER" });
  });

  it("refuses the request with a changed body, even with its signed x-amz-content-sha256", async () => {
    // Prepare
    const request = await signedJsonRequest();
    const changed = Buffer.from(Buffer.from(request.body).toString("utf8").replace("alice", "bob__"));
    // Act
    const result = verifySigV4({ ...request, body: changed }, secrets, new Date(Date.now()));
    // Assess
    expect(changed.length).toBe(request.body.length);
    expect(result).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });
});
