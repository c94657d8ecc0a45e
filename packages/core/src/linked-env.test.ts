import { afterEach, describe, expect, it } from "vitest";
import { linkedEnv } from "./linked-env.ts";

describe("linkedEnv", () => {
  afterEach(() => {
    delete process.env.SST_RESOURCE_WebClient;
  });

  it("maps a linked resource's property to the variable the config loader reads", () => {
    // Prepare: SST passes each link as SST_RESOURCE_<Name> (or in its encrypted key file).
    process.env.SST_RESOURCE_WebClient = JSON.stringify({ id: "web", secret: "linked-secret" });
    // Act
    const env = linkedEnv({ OIDC_CLIENT_SECRET: ["WebClient", "secret"] }, {});
    // Assess
    expect(env).toEqual({ OIDC_CLIENT_SECRET: "linked-secret" });
  });

  it("lets a variable already in the environment win", () => {
    process.env.SST_RESOURCE_WebClient = JSON.stringify({ secret: "linked-secret" });
    expect(linkedEnv({ OIDC_CLIENT_SECRET: ["WebClient", "secret"] }, { OIDC_CLIENT_SECRET: "local" })).toEqual({});
  });

  it("leaves out a resource that is not linked, so the config loader names the missing variable", () => {
    expect(linkedEnv({ M2M_CLIENT_SECRET: ["M2mClientNotLinked", "secret"] }, {})).toEqual({});
  });
});
