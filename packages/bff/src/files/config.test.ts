import { ConfigError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/fixtures.ts";
import { loadFilesConfig } from "./config.ts";

const roleArn = "arn:aws:iam::123456789012:role/spa-bff-dev-files";

describe("loadFilesConfig", () => {
  it("federates through AWS's STS and S3 when no local endpoint is set", () => {
    // Act
    const config = loadFilesConfig({ FILES_BUCKET: "spa-bff-dev-files", FILES_ROLE_ARN: roleArn, AWS_REGION: "eu-west-1" });
    // Assess
    expect(config).toEqual({ bucket: "spa-bff-dev-files", region: "eu-west-1", roleArn });
  });

  it("federates through the local STS against the local S3 when both loopback endpoints are set", () => {
    // Act
    const config = loadFilesConfig({
      FILES_BUCKET: "local-files",
      FILES_ROLE_ARN: "arn:aws:iam::123456789012:role/local-files",
      S3_ENDPOINT: "http://127.0.0.1:4569",
      STS_ENDPOINT: "http://127.0.0.1:4570",
    });
    // Assess
    expect(config).toEqual({
      bucket: "local-files",
      region: "us-east-1",
      roleArn: "arn:aws:iam::123456789012:role/local-files",
      s3Endpoint: "http://127.0.0.1:4569",
      stsEndpoint: "http://127.0.0.1:4570",
    });
  });

  it("requires the role even against the local S3: there is no path without STS", () => {
    // Act
    const error = thrown(() =>
      loadFilesConfig({ FILES_BUCKET: "local-files", S3_ENDPOINT: "http://127.0.0.1:4569", STS_ENDPOINT: "http://127.0.0.1:4570" }),
    );
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("Missing FILES_ROLE_ARN. Expected: the federated role ARN");
  });

  it.each([
    ["S3_ENDPOINT", "http://s3.example.com", "Invalid S3_ENDPOINT: a loopback URL (the local S3); leave unset in AWS"],
    ["STS_ENDPOINT", "https://sts.amazonaws.com", "Invalid STS_ENDPOINT: a loopback URL (the local STS); leave unset in AWS"],
  ])("refuses %s outside loopback", (name, value, message) => {
    // Prepare
    const local = { S3_ENDPOINT: "http://127.0.0.1:4569", STS_ENDPOINT: "http://127.0.0.1:4570" };
    // Act
    const error = thrown(() => loadFilesConfig({ FILES_BUCKET: "files", FILES_ROLE_ARN: roleArn, ...local, [name]: value }));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: "config_invalid" });
    expect((error as Error).message).toContain(message);
  });

  it.each([
    [{ S3_ENDPOINT: "http://127.0.0.1:4569" }, "Missing STS_ENDPOINT"],
    [{ STS_ENDPOINT: "http://127.0.0.1:4570" }, "Missing S3_ENDPOINT"],
  ])("refuses one local endpoint without the other (%j)", (endpoints, message) => {
    // Act
    const error = thrown(() => loadFilesConfig({ FILES_BUCKET: "files", FILES_ROLE_ARN: roleArn, ...endpoints }));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`${message}. Expected: S3_ENDPOINT and STS_ENDPOINT together`);
  });

  it("names every missing variable at once", () => {
    // Act
    const error = thrown(() => loadFilesConfig({}));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("Missing FILES_BUCKET");
    expect((error as Error).message).toContain("Missing FILES_ROLE_ARN. Expected: the federated role ARN");
  });

  it("refuses a role ARN that is not an IAM role", () => {
    // Act
    const error = thrown(() => loadFilesConfig({ FILES_BUCKET: "files", FILES_ROLE_ARN: "arn:aws:iam::123456789012:user/bob" }));
    // Assess
    expect((error as Error).message).toContain("Invalid FILES_ROLE_ARN: an IAM role ARN");
  });
});
