import { ConfigError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/fixtures.ts";
import { loadFilesConfig } from "./config.ts";

describe("loadFilesConfig", () => {
  it("federates through STS when a role is configured", () => {
    // Act
    const config = loadFilesConfig({
      FILES_BUCKET: "spa-bff-dev-files",
      FILES_ROLE_ARN: "arn:aws:iam::123456789012:role/spa-bff-dev-files",
      AWS_REGION: "eu-west-1",
    });
    // Assess
    expect(config).toEqual({
      bucket: "spa-bff-dev-files",
      region: "eu-west-1",
      credentials: { kind: "sts", roleArn: "arn:aws:iam::123456789012:role/spa-bff-dev-files" },
    });
  });

  it("uses s3rver's fixed keys against a loopback S3 without a role", () => {
    // Act
    const config = loadFilesConfig({ FILES_BUCKET: "local-files", S3_ENDPOINT: "http://127.0.0.1:4569" });
    // Assess
    expect(config).toEqual({
      bucket: "local-files",
      region: "us-east-1",
      s3Endpoint: "http://127.0.0.1:4569",
      credentials: { kind: "static", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
  });

  it("refuses an S3 endpoint that is not on loopback", () => {
    // Act
    const error = thrown(() => loadFilesConfig({ FILES_BUCKET: "files", S3_ENDPOINT: "http://s3.example.com" }));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: "config_invalid" });
    expect((error as Error).message).toContain("Invalid S3_ENDPOINT: a loopback URL (the local S3); leave unset in AWS");
  });

  it("names every missing variable at once", () => {
    // Act
    const error = thrown(() => loadFilesConfig({}));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("Missing FILES_BUCKET");
    expect((error as Error).message).toContain(
      "Missing FILES_ROLE_ARN. Expected: the federated role ARN (or S3_ENDPOINT for the local S3)",
    );
  });

  it("refuses fixed S3 keys without a local endpoint", () => {
    // Act
    const error = thrown(() =>
      loadFilesConfig({
        FILES_BUCKET: "files",
        FILES_ROLE_ARN: "arn:aws:iam::123456789012:role/files",
        S3_ACCESS_KEY_ID: "AKIA",
        S3_SECRET_ACCESS_KEY: "secret",
      }),
    );
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("S3_ENDPOINT");
    expect((error as Error).message).not.toContain("secret");
  });

  it("refuses a role ARN that is not an IAM role", () => {
    // Act
    const error = thrown(() => loadFilesConfig({ FILES_BUCKET: "files", FILES_ROLE_ARN: "arn:aws:iam::123456789012:user/bob" }));
    // Assess
    expect((error as Error).message).toContain("Invalid FILES_ROLE_ARN: an IAM role ARN");
  });
});
