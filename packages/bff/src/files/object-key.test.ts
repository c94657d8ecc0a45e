import { BadRequestError, ForbiddenError } from "@spa-bff/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/fixtures.ts";
import { assertOwnedKey, assertSafeSub, createObjectKey, parseObjectKey, userPrefix } from "./object-key.ts";

const alice = "0d8e4a2c-7b1f-4c3e-9a55-2f6d1e8b9c01";
const bob = "auth0|5f7c1e2d3b4a";
const id = "5b1c6f0e-3d2a-4e8b-9c7d-1a2b3c4d5e6f";
const aliceKey = `uploads/${alice}/${id}-cat.png`;

describe("createObjectKey", () => {
  it("puts a new file under the user's prefix with a random id and the safe name", () => {
    // Act
    const key = createObjectKey(alice, "../My Cat.png", () => id);
    // Assess
    expect(key).toBe(`uploads/${alice}/${id}-My_Cat.png`);
  });

  it("keeps an Auth0 subject unchanged so the role's sub policy variable matches it", () => {
    // Act
    const key = createObjectKey(bob, "a.txt", () => id);
    // Assess
    expect(key).toBe(`uploads/auth0|5f7c1e2d3b4a/${id}-a.txt`);
  });

  it("gives a key that parses back to the same owner and name", () => {
    // Act
    const parts = parseObjectKey(createObjectKey(alice, "report.pdf"));
    // Assess
    expect(parts).toMatchObject({ owner: alice, name: "report.pdf" });
  });
});

describe("userPrefix", () => {
  it("ends with a slash so one user's prefix never covers another's", () => {
    // Act
    const prefix = userPrefix("alice");
    // Assess
    expect(prefix).toBe("uploads/alice/");
    expect(`uploads/alice2/${id}-a.txt`.startsWith(prefix)).toBe(false);
  });

  it.each([["../bob"], ["alice/.."], [".."], ["."], [""], ["a b"], ["a%2fb"], ["x".repeat(129)], ["ünï"]])(
    "refuses the subject %j as a storage prefix",
    (sub) => {
      // Act
      const error = thrown(() => assertSafeSub(sub));
      // Assess
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error).toMatchObject({ code: "forbidden", status: 403, message: "This account's subject cannot be used as a storage prefix" });
    },
  );
});

describe("assertOwnedKey", () => {
  it("accepts the user's own key", () => {
    // Act
    const parts = assertOwnedKey(alice, aliceKey);
    // Assess
    expect(parts).toEqual({ key: aliceKey, owner: alice, id, name: "cat.png" });
  });

  it("refuses another user's well-formed key with 403 forbidden", () => {
    // Act
    const error = thrown(() => assertOwnedKey(bob, aliceKey));
    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ code: "forbidden", status: 403, message: "The file belongs to another user" });
  });

  it("refuses a key of a user whose id merely starts like the caller's", () => {
    // Act
    const error = thrown(() => assertOwnedKey("alice", `uploads/alice2/${id}-a.txt`));
    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it.each([
    ["a parent segment", `uploads/${alice}/../${bob}/${id}-cat.png`],
    ["a parent segment as the owner", `uploads/../${id}-cat.png`],
    ["a dot owner", `uploads/./${id}-cat.png`],
    ["an encoded parent segment", `uploads/${alice}/%2e%2e/${id}-cat.png`],
    ["an encoded slash", `uploads/${alice}%2f..%2fbob/${id}-cat.png`],
    ["a double-encoded parent", `uploads/${alice}/%252e%252e/${id}-cat.png`],
    ["a backslash", `uploads\\${alice}\\${id}-cat.png`],
    ["an absolute path", `/uploads/${alice}/${id}-cat.png`],
    ["a leading double slash", `//uploads/${alice}/${id}-cat.png`],
    ["an empty segment", `uploads//${id}-cat.png`],
    ["a trailing slash", `uploads/${alice}/${id}-cat.png/`],
    ["a NUL byte", `uploads/${alice}/${id}-cat.png\u0000.txt`],
    ["a newline", `uploads/${alice}/${id}-cat\n.png`],
    ["a full-width dot", `uploads/${alice}/${id}-cat．png`],
    ["a non-ASCII name", `uploads/${alice}/${id}-写真.png`],
    ["a space", `uploads/${alice}/${id}-my cat.png`],
    ["another root", `private/${alice}/${id}-cat.png`],
    ["no id", `uploads/${alice}/cat.png`],
    ["an upper-case id", `uploads/${alice}/${id.toUpperCase()}-cat.png`],
    ["a dotted name", `uploads/${alice}/${id}-..`],
    ["a name starting with a dot", `uploads/${alice}/${id}-.htaccess`],
    ["the bare prefix", `uploads/${alice}/`],
    ["an empty key", ""],
    ["a key of 1025 characters", `uploads/${alice}/${id}-${"a".repeat(1000)}`],
  ])("refuses a key with %s as malformed (400 invalid_key)", (_what, key) => {
    // Act
    const error = thrown(() => assertOwnedKey(alice, key));
    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({
      code: "invalid_key",
      status: 400,
      message: '"key" must be a file key of the form uploads/<owner>/<id>-<name>',
    });
  });

  it.each([[undefined], [null], [42], [{ key: aliceKey }]])("refuses the non-string key %j", (key) => {
    // Act
    const error = thrown(() => assertOwnedKey(alice, key));
    // Assess
    expect(error).toMatchObject({ code: "invalid_key" });
  });

  it("accepts no key other than the caller's, whatever the input", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: "binary" }),
          fc
            .array(fc.constantFrom("uploads", alice, bob, "..", ".", "%2e", id, `${id}-a.txt`, ""), { maxLength: 5 })
            .map((parts) => parts.join("/")),
        ),
        (key) => {
          try {
            const parts = assertOwnedKey(alice, key);
            expect(parts.key.startsWith(`uploads/${alice}/`)).toBe(true);
            expect(parts.key.split("/")).toHaveLength(3);
          } catch (error) {
            expect(error instanceof BadRequestError || error instanceof ForbiddenError).toBe(true);
          }
        },
      ),
    );
  });
});
