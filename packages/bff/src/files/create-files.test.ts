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
  it("federates through STS with the configured role when one is set", async () => {
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

  it("uses the local S3's fixed keys and endpoint without a role, and never calls STS", async () => {
    // Prepare
    const config = loadFilesConfig({ FILES_BUCKET: "local-files", S3_ENDPOINT: "http://127.0.0.1:4569" });
    const files = createFiles(config);
    // Act
    const creds = await files.credentials.getCredentials({ sub: "alice", idToken: "id-token", now: 100 });
    const upload = await files.storage.createUploadUrl({ sub: "alice", name: "a.txt", contentType: "text/plain", size: 1 }, creds, 100);
    // Assess
    expect(creds).toEqual({ accessKeyId: "S3RVER", secretAccessKey: "S3RVER", expiresAt: 1_000 });
    expect(upload.url.startsWith("http://127.0.0.1:4569/local-files/uploads/alice/")).toBe(true);
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(0);
  });
});
