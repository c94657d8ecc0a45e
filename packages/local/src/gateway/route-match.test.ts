import { describe, expect, it } from "vitest";
import { compileResource, createRouteMatcher } from "./route-match.ts";

describe("createRouteMatcher", () => {
  const match = createRouteMatcher([
    { method: "GET", resource: "/items" },
    { method: "POST", resource: "/items" },
    { method: "GET", resource: "/items/{id}" },
    { method: "GET", resource: "/items/special" },
    { method: "ANY", resource: "/files/{proxy+}" },
    { method: "GET", resource: "/" },
    { method: "ANY", resource: "/whoami" },
    { method: "DELETE", resource: "/whoami" },
  ]);

  it("matches a literal resource and sends null path parameters", () => {
    // Act
    const result = match("GET", "/items");
    // Assess
    expect(result).toEqual({ method: "GET", resource: "/items", pathParameters: null });
  });

  it("captures a path parameter, percent-decoded", () => {
    // Act
    const result = match("get", "/items/a%20b");
    // Assess
    expect(result).toEqual({ method: "GET", resource: "/items/{id}", pathParameters: { id: "a b" } });
  });

  it("prefers a literal segment over a parameter", () => {
    expect(match("GET", "/items/special")?.resource).toBe("/items/special");
  });

  it("lets a greedy parameter take every remaining segment", () => {
    expect(match("PUT", "/files/a/b/c.txt")).toEqual({
      method: "ANY",
      resource: "/files/{proxy+}",
      pathParameters: { proxy: "a/b/c.txt" },
    });
  });

  it("does not let a greedy parameter match its parent resource", () => {
    expect(match("GET", "/files")).toBeUndefined();
    expect(match("GET", "/files/")).toBeUndefined();
  });

  it("prefers an exact method over ANY on the same resource", () => {
    expect(match("DELETE", "/whoami")?.method).toBe("DELETE");
    expect(match("PATCH", "/whoami")?.method).toBe("ANY");
  });

  it("refuses a known resource with a method it does not declare", () => {
    expect(match("DELETE", "/items")).toBeUndefined();
  });

  it("refuses unknown paths and extra segments", () => {
    expect(match("GET", "/nope")).toBeUndefined();
    expect(match("GET", "/items/1/extra")).toBeUndefined();
    expect(match("GET", "/items//")).toBeUndefined();
  });

  it("matches the root resource", () => {
    expect(match("GET", "/")?.resource).toBe("/");
  });
});

describe("compileResource", () => {
  it("refuses a greedy parameter that is not the last segment", () => {
    expect(() => compileResource("/{proxy+}/x")).toThrow(TypeError);
    expect(() => compileResource("/{proxy+}/x")).toThrow('"resource" may use a greedy {name+} only as its last segment: /{proxy+}/x');
  });

  it("refuses a template without a leading slash or with a broken parameter", () => {
    expect(() => compileResource("items")).toThrow('"resource" must start with "/": items');
    expect(() => compileResource("/items/{id")).toThrow('"resource" has a malformed parameter segment: /items/{id');
  });
});
