import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localDefaults, parseCliArgs, resolveCliOptions } from "./cli-config.ts";

describe("CLI arguments", () => {
  it("parses a method, a path and a JSON body", () => {
    expect(parseCliArgs(["post", "/items", '{"title":"x"}'])).toEqual({ method: "POST", path: "/items", body: { title: "x" } });
  });

  it.each([[[]], [["GET"]], [["GET", "items"]], [["GET", "/items", "{}", "extra"]]])("refuses %j with the usage line", (args) => {
    expect(() => parseCliArgs(args)).toThrow(/^Usage: npm run m2m -- <METHOD> <PATH>/);
  });

  it("refuses a body that is not JSON", () => {
    expect(() => parseCliArgs(["POST", "/items", "{nope"])).toThrow(/^The body must be JSON\./);
  });
});

describe("CLI options", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "m2m-cli-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("defaults to the local platform and reads the secret from .local/clients.json", async () => {
    // Prepare
    const file = join(dir, "clients.json");
    await writeFile(file, JSON.stringify({ m2m: { clientId: "local-m2m", clientSecret: "from-file" } }));
    // Act
    const options = await resolveCliOptions({}, file);
    // Assess
    expect(options).toEqual({
      issuer: localDefaults.issuer,
      clientId: "local-m2m",
      clientSecret: "from-file",
      scope: localDefaults.scope,
      apiBaseUrl: localDefaults.apiBaseUrl,
    });
  });

  it("prefers the environment over the file", async () => {
    const options = await resolveCliOptions(
      {
        OIDC_ISSUER: "https://idp.example.com",
        M2M_CLIENT_ID: "id",
        M2M_CLIENT_SECRET: "env-secret",
        M2M_SCOPES: "items/read",
        API_BASE_URL: "https://api.example.com/prod",
      },
      join(dir, "missing.json"),
    );
    expect(options).toMatchObject({
      issuer: "https://idp.example.com",
      clientId: "id",
      clientSecret: "env-secret",
      scope: "items/read",
      apiBaseUrl: "https://api.example.com/prod",
    });
  });

  it("says how to get a secret when there is none", async () => {
    await expect(resolveCliOptions({}, join(dir, "missing.json"))).rejects.toThrow(
      "No M2M client secret: set M2M_CLIENT_SECRET, or start the local platform (npm start) so it writes .local/clients.json",
    );
  });
});
