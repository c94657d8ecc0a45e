import { describe, expect, it } from "vitest";
import { findLambdaNode, majorOf, runtimeMajor } from "./lambda-node.ts";

describe("runtimeMajor", () => {
  it("reads the Node major of the functions' runtime", () => {
    expect(runtimeMajor("nodejs22.x")).toBe(22);
    expect(runtimeMajor()).toBeGreaterThanOrEqual(22);
  });

  it("refuses a runtime that is not Node's", () => {
    expect(() => runtimeMajor("python3.12")).toThrow(/not a Node.js Lambda runtime/);
  });
});

describe("majorOf", () => {
  it("reads the major of a `node --version` answer, and nothing of anything else", () => {
    expect(majorOf("v22.23.5")).toBe(22);
    expect(majorOf("22.1.0")).toBeNaN();
  });
});

describe("findLambdaNode", () => {
  it("takes BENCH_LAMBDA_NODE first, with the version that binary reports", () => {
    const found = findLambdaNode({ BENCH_LAMBDA_NODE: process.execPath });
    expect(found).toMatchObject({ path: process.execPath, version: process.version, source: "BENCH_LAMBDA_NODE" });
    expect(found.matchesRuntime).toBe(majorOf(process.version) === runtimeMajor());
  });

  it("passes over a BENCH_LAMBDA_NODE that does not run and still names a node it ran", () => {
    const found = findLambdaNode({ BENCH_LAMBDA_NODE: "/nonexistent/node" });
    expect(found.path).not.toBe("/nonexistent/node");
    expect(found.version).toMatch(/^v\d+\./);
    expect(found.matchesRuntime).toBe(majorOf(found.version) === runtimeMajor());
  });
});
