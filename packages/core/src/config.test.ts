import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { parseConfig } from "./config.ts";
import { ConfigError } from "./errors.ts";

const schema = z.object({
  TABLE: z.string("table name").check(z.minLength(1, "a table name")),
  PORT: z._default(z.coerce.number("a port"), 3000),
});

describe("parseConfig", () => {
  it("returns the parsed config with defaults applied", () => {
    expect(parseConfig(schema, { TABLE: "Sessions" }, "test")).toEqual({ TABLE: "Sessions", PORT: 3000 });
  });

  it("names every missing or invalid variable in one ConfigError", () => {
    // Act
    const attempt = () => parseConfig(schema, { TABLE: "", PORT: "x" }, "test");
    // Assess
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: "config_invalid", status: 500 });
      expect((error as Error).message).toBe("Invalid test configuration: Invalid TABLE: a table name; Invalid PORT: a port");
    }
  });

  it("says Missing and what is expected for an absent variable, never echoing values", () => {
    expect(() => parseConfig(schema, { SECRET: "hunter2" }, "bff")).toThrow(
      /^Invalid bff configuration: Missing TABLE\. Expected: table name$/,
    );
  });
});
