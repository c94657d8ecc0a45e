import { BadRequestError } from "@spa-bff/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { upstreamPathOf, upstreamUrlOf } from "./path.ts";

const base = "https://api.internal.example/prod";
const segment = fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,15}$/).filter((value) => value !== "." && value !== "..");
const traversal = fc.constantFrom(
  "..",
  ".",
  "%2e%2e",
  "%2E%2E",
  ".%2e",
  "%2e.",
  "%2e",
  "..%2f",
  "%2f",
  "%5c",
  "..\\",
  "%252e%252e",
  "%c0%ae%c0%ae",
  "%00",
  "a%00b",
  "%0d%0a",
  "",
);

/** Runs `fn`; answers the path, or the error it threw. */
function outcome(fn: () => string): { path: string } | { error: unknown } {
  try {
    return { path: fn() };
  } catch (error) {
    return { error };
  }
}

function expectInvalidPath(error: unknown): void {
  expect(error).toBeInstanceOf(BadRequestError);
  expect(error).toMatchObject({ code: "invalid_path", status: 400, message: "The API path is not allowed" });
}

describe("upstreamPathOf (property)", () => {
  it("answers a path or throws invalid_path, nothing else, for any raw path", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.string().map((rest) => `/api/${rest}`),
          fc.webPath().map((path) => `/api${path}`),
        ),
        (raw) => {
          // Act
          const result = outcome(() => upstreamPathOf(raw));
          // Assess
          if ("error" in result) expectInvalidPath(result.error);
          else expect(`/api/${result.path}`).toBe(raw);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("keeps a path of plain segments exactly", () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), (segments) => {
        expect(upstreamPathOf(`/api/${segments.join("/")}`)).toBe(segments.join("/"));
      }),
    );
  });

  it("refuses a dot, dot-dot, encoded slash or control segment anywhere but a trailing empty one", () => {
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 4 }),
        traversal,
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        (before, bad, after) => {
          // Act
          const result = outcome(() => upstreamPathOf(`/api/${[...before, bad, ...after].join("/")}`));
          // Assess
          expect("error" in result).toBe(true);
          if ("error" in result) expectInvalidPath(result.error);
        },
      ),
    );
  });

  it("never lets an accepted path and any query leave the API's origin or base path", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.option(fc.string({ unit: "binary" }), { nil: undefined }), (rest, query) => {
        // Prepare
        const accepted = outcome(() => upstreamPathOf(`/api/${rest}`));
        fc.pre("path" in accepted);
        if (!("path" in accepted)) return;
        // Act
        let url: URL | undefined;
        try {
          url = upstreamUrlOf(base, accepted.path, query);
        } catch (error) {
          expectInvalidPath(error);
          return;
        }
        // Assess
        expect(url.origin).toBe("https://api.internal.example");
        expect(url.pathname.startsWith("/prod/")).toBe(true);
        expect(url.pathname.split("/")).not.toContain("..");
      }),
      { numRuns: 2000 },
    );
  });
});
