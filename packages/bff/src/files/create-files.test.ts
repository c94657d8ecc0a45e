import { createServer } from "node:http";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { loadFilesConfig } from "./config.ts";
import { createFiles } from "./create-files.ts";

const sts = mockClient(STSClient);

afterEach(() => {
  sts.reset();
});

describe("createFiles", () => {
  it("federates through STS with the configured role", async () => {
    // Prepare
    sts.on(AssumeRoleWithWebIdentityCommand).resolves({
      Credentials: { AccessKeyId: "ASIA1", SecretAccessKey: "s", SessionToken: "t", Expiration: new Date(1_000_000) },
    });
    const config = loadFilesConfig({
      FILES_BUCKET: "files",
      FILES_ROLE_ARN: "arn:aws:iam::123456789012:role/files",
      AWS_REGION: "eu-west-1",
    });
    const files = createFiles(config, { stsClient: new STSClient({ region: "eu-west-1" }) });
    // Act
    const creds = await files.credentials.getCredentials({ sub: "alice", idToken: "id-token", now: 0 });
    // Assess
    expect(creds).toEqual({ accessKeyId: "ASIA1", secretAccessKey: "s", sessionToken: "t", expiresAt: 1_000 });
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: "arn:aws:iam::123456789012:role/files",
      WebIdentityToken: "id-token",
    });
  });

  it("asks the local STS and signs URLs for the local S3 when their endpoints are set", async () => {
    // Prepare: a stand-in STS that records the form and answers as STS does.
    sts.restore();
    const forms: URLSearchParams[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        forms.push(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
        res.writeHead(200, { "content-type": "text/xml" }).end(
          `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>
            <Credentials><SessionToken>token</SessionToken><SecretAccessKey>secret</SecretAccessKey>
            <Expiration>2030-01-01T00:15:00Z</Expiration><AccessKeyId>ASIALOCAL</AccessKeyId></Credentials>
          </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const config = loadFilesConfig({
      FILES_BUCKET: "local-files",
      FILES_ROLE_ARN: "arn:aws:iam::123456789012:role/local-files",
      S3_ENDPOINT: "http://127.0.0.1:4569",
      STS_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    const files = createFiles(config);
    // Act
    const creds = await files.credentials.getCredentials({ sub: "alice", idToken: "id-token", now: 100 });
    const upload = await files.storage.createUploadUrl({ sub: "alice", name: "a.txt", contentType: "text/plain", size: 1 }, creds, 100);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Assess
    expect(forms[0]?.get("Action")).toBe("AssumeRoleWithWebIdentity");
    expect(forms[0]?.get("RoleArn")).toBe("arn:aws:iam::123456789012:role/local-files");
    expect(forms[0]?.get("WebIdentityToken")).toBe("id-token");
    expect(creds).toEqual({
      accessKeyId: "ASIALOCAL",
      secretAccessKey: "secret",
      sessionToken: "token",
      expiresAt: Date.UTC(2030, 0, 1, 0, 15) / 1000,
    });
    expect(upload.url.startsWith("http://127.0.0.1:4569/local-files/uploads/alice/")).toBe(true);
    expect(new URL(upload.url).searchParams.get("X-Amz-Security-Token")).toBe("token");
  });
});
