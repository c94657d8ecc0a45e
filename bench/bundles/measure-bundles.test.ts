import { describe, expect, it } from "vitest";
import { packageOf } from "./measure-bundles.ts";

describe("packageOf", () => {
  it("groups a scoped package's files under the scope and name", () => {
    expect(packageOf("node_modules/@smithy/core/dist-es/index.js")).toBe("@smithy/core");
  });

  it("takes the innermost node_modules for a nested dependency", () => {
    expect(packageOf("node_modules/a/node_modules/b/index.js")).toBe("b");
  });

  it("files workspace sources under (project)", () => {
    expect(packageOf("packages/bff/src/handler.ts")).toBe("(project)");
  });
});
