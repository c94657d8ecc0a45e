import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BundleResult, bundleLambda } from "../scripts/build.ts";

/** Packages in a bundle's outputs, split by what a cold start loads and what stays in lazy chunks. */
function packagesOf(result: BundleResult): { coldStart: Set<string>; all: Set<string> } {
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((key) => key.endsWith("/index.mjs"));
  const loaded = new Set<string>();
  const visit = (key: string) => {
    if (loaded.has(key) || !outputs[key]) return;
    loaded.add(key);
    for (const imported of outputs[key].imports) if (imported.kind === "import-statement") visit(imported.path);
  };
  if (entry) visit(entry);
  const names = (keys: Iterable<string>) =>
    new Set(
      [...keys]
        .flatMap((key) => Object.keys(outputs[key]?.inputs ?? {}))
        .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? "(project)"),
    );
  return { coldStart: names(loaded), all: names(Object.keys(outputs)) };
}

describe("Lambda bundles", () => {
  let outDir: string;
  let api: BundleResult;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), "spa-bff-bundles-"));
    api = await bundleLambda("bff", outDir);
  }, 120_000);

  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it("keeps the branded sign-in (SRP) and S3 code out of the /api function entirely", () => {
    const { all } = packagesOf(api);
    for (const name of ["@aws-sdk/client-s3", "@aws-sdk/client-sts", "amazon-cognito-identity-js"]) {
      expect(all, name).not.toContain(name);
    }
  });

  it("loads the Cognito client only lazily, for a branded session's refresh", () => {
    const { coldStart, all } = packagesOf(api);
    expect(all).toContain("@aws-sdk/client-cognito-identity-provider");
    expect(coldStart).not.toContain("@aws-sdk/client-cognito-identity-provider");
  });

  it("loads the OIDC client only lazily, for a token refresh", () => {
    const { coldStart, all } = packagesOf(api);
    expect(all).toContain("openid-client");
    expect(coldStart).not.toContain("openid-client");
    expect(coldStart).not.toContain("oauth4webapi");
  });

  it("loads the KMS client only lazily, on the first session that needs a data key", () => {
    const { coldStart, all } = packagesOf(api);
    expect(all).toContain("@aws-sdk/client-kms");
    expect(coldStart).not.toContain("@aws-sdk/client-kms");
  });

  it("replaces the SDK's default credential chain with the environment provider", () => {
    const { all } = packagesOf(api);
    expect(all).not.toContain("@aws-sdk/credential-provider-node");
    expect(all).not.toContain("@aws-sdk/credential-provider-sso");
    expect(all).toContain("@aws-sdk/credential-provider-env");
  });
});
