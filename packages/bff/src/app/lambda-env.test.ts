import { afterEach, describe, expect, it } from "vitest";
import { lambdaEnv } from "./lambda-env.ts";

describe("lambdaEnv", () => {
  afterEach(() => {
    delete process.env.SST_RESOURCE_WebClient;
    delete process.env.SST_RESOURCE_IdentifierHashKey;
  });

  it("reads the client secret and the identifier key from the links the stacks give the BFF", () => {
    // Prepare: SST passes each link as SST_RESOURCE_<Name> (stacks/bff.ts links WebClient and IdentifierHashKey).
    process.env.SST_RESOURCE_WebClient = JSON.stringify({ id: "web", secret: "linked-secret" });
    process.env.SST_RESOURCE_IdentifierHashKey = JSON.stringify({ value: "bGlua2VkLWlkZW50aWZpZXIta2V5LW9mLTMyLWJ5dGVzISE" });
    // Act
    const env = lambdaEnv();
    // Assess
    expect(env.OIDC_CLIENT_SECRET).toBe("linked-secret");
    expect(env.IDENTIFIER_HASH_KEY).toBe("bGlua2VkLWlkZW50aWZpZXIta2V5LW9mLTMyLWJ5dGVzISE");
  });
});
