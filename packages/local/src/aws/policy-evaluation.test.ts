import { federatedFilesGrants, type Grant, roleGrants } from "@spa-bff/core/infra";
import { describe, expect, it } from "vitest";
import { localArnResolver } from "./arns.ts";
import { grantsAllow, matches } from "./policy-evaluation.ts";

const resolve = localArnResolver({
  accountId: "123456789012",
  region: "us-east-1",
  tables: { Sessions: "local-Sessions", Items: "local-Items", SignInAttempts: "local-SignInAttempts" },
  bucket: "local-files",
});
const itemsArn = "arn:aws:dynamodb:us-east-1:123456789012:table/local-Items";
const sessionsArn = "arn:aws:dynamodb:us-east-1:123456789012:table/local-Sessions";
const keyArn = "arn:aws:kms:us-east-1:123456789012:key/local-session-key";

describe("matches", () => {
  it.each([
    ["dynamodb:*", "dynamodb:Scan", "i", true],
    ["DynamoDB:scan", "dynamodb:Scan", "i", true],
    ["dynamodb:Get*", "dynamodb:GetItem", "i", true],
    ["dynamodb:Get*", "dynamodb:PutItem", "i", false],
    ["s3:?etObject", "s3:GetObject", "i", true],
    ["arn:aws:s3:::b/uploads/*", "arn:aws:s3:::b/uploads/alice/x/y.txt", "", true],
    ["arn:aws:s3:::b/uploads/*", "arn:aws:s3:::B/uploads/alice", "", false],
    ["arn:aws:dynamodb:*:*:table/t", "arn:aws:dynamodb:us-east-1:123:table/t", "", true],
    ["arn:aws:dynamodb:*:*:table/t", "arn:aws:dynamodb:us-east-1:123:table/t/index/i", "", false],
  ] as const)("matches %j against %j (flags %j): %j", (pattern, value, flags, expected) => {
    // Act
    const result = matches(pattern, value, {}, flags);
    // Assess
    expect(result).toBe(expected);
  });

  it("substitutes a policy variable literally, so a sub with wildcards matches only itself", () => {
    // Act
    const literal = matches(`uploads/\${sub}/*`, "uploads/a*/x", { sub: "a*" }, "");
    const widened = matches(`uploads/\${sub}/*`, "uploads/abc/x", { sub: "a*" }, "");
    // Assess
    expect(literal).toBe(true);
    expect(widened).toBe(false);
  });

  it("does not match when the session has no value for a variable", () => {
    // Act
    const result = matches(`uploads/\${sub}/*`, "uploads/alice/x", {}, "");
    // Assess
    expect(result).toBe(false);
  });
});

describe("grantsAllow with the declaration", () => {
  it("allows the items role's Scan on the items table and nothing on the sessions table", () => {
    // Act
    const scan = grantsAllow(roleGrants.items, { action: "dynamodb:Scan", resource: itemsArn }, resolve);
    const sessions = grantsAllow(roleGrants.items, { action: "dynamodb:GetItem", resource: sessionsArn }, resolve);
    // Assess
    expect(scan).toBe(true);
    expect(sessions).toBe(false);
  });

  it("refuses the BFF role's Scan and BatchWriteItem on its own table", () => {
    // Act
    const scan = grantsAllow(roleGrants.bff, { action: "dynamodb:Scan", resource: sessionsArn }, resolve);
    const batch = grantsAllow(roleGrants.bff, { action: "dynamodb:BatchWriteItem", resource: sessionsArn }, resolve);
    // Assess
    expect([scan, batch]).toEqual([false, false]);
  });

  it("refuses a table's index when only the table is granted", () => {
    // Act
    const result = grantsAllow(roleGrants.items, { action: "dynamodb:Query", resource: `${itemsArn}/index/byOwner` }, resolve);
    // Assess
    expect(result).toBe(false);
  });

  it("requires the session key's encryption context on KMS calls", () => {
    // Act
    const withContext = grantsAllow(
      roleGrants.bff,
      { action: "kms:GenerateDataKey", resource: keyArn, encryptionContext: { purpose: "bff-session", app: "spa-bff" } },
      resolve,
    );
    const wrongContext = grantsAllow(
      roleGrants.bff,
      { action: "kms:Decrypt", resource: keyArn, encryptionContext: { purpose: "other" } },
      resolve,
    );
    const noContext = grantsAllow(roleGrants.bff, { action: "kms:Decrypt", resource: keyArn }, resolve);
    // Assess
    expect([withContext, wrongContext, noContext]).toEqual([true, false, false]);
  });

  it("lets a web identity touch only objects under uploads/<its sub>/", () => {
    // Prepare
    const alice = { sub: "alice" };
    // Act
    const own = grantsAllow(
      federatedFilesGrants,
      { action: "s3:PutObject", resource: "arn:aws:s3:::local-files/uploads/alice/1-a.txt", variables: alice },
      resolve,
    );
    const other = grantsAllow(
      federatedFilesGrants,
      { action: "s3:PutObject", resource: "arn:aws:s3:::local-files/uploads/bob/1-a.txt", variables: alice },
      resolve,
    );
    const root = grantsAllow(
      federatedFilesGrants,
      { action: "s3:GetObject", resource: "arn:aws:s3:::local-files/secret.txt", variables: alice },
      resolve,
    );
    const notGranted = grantsAllow(
      federatedFilesGrants,
      { action: "s3:PutObjectAcl", resource: "arn:aws:s3:::local-files/uploads/alice/1-a.txt", variables: alice },
      resolve,
    );
    // Assess
    expect([own, other, root, notGranted]).toEqual([true, false, false, false]);
  });

  it("lets a web identity list only with its own prefix", () => {
    // Prepare
    const request = (s3Prefix?: string) => ({
      action: "s3:ListBucket",
      resource: "arn:aws:s3:::local-files",
      variables: { sub: "alice" },
      ...(s3Prefix === undefined ? {} : { s3Prefix }),
    });
    // Act
    const results = [
      grantsAllow(federatedFilesGrants, request("uploads/alice/"), resolve),
      grantsAllow(federatedFilesGrants, request("uploads/alice/2024"), resolve),
      grantsAllow(federatedFilesGrants, request("uploads/bob/"), resolve),
      grantsAllow(federatedFilesGrants, request("uploads/"), resolve),
      grantsAllow(federatedFilesGrants, request(), resolve),
    ];
    // Assess
    expect(results).toEqual([true, true, false, false, false]);
  });
});

describe("grantsAllow follows the declaration it is given", () => {
  it("refuses the items role's Scan once the declaration no longer grants it", () => {
    // Prepare: the declaration with one value changed (Scan removed from the items role).
    const changed: readonly Grant[] = roleGrants.items.map((grant) => ({
      ...grant,
      actions: grant.actions.filter((action) => action !== "dynamodb:Scan"),
    }));
    // Act
    const before = grantsAllow(roleGrants.items, { action: "dynamodb:Scan", resource: itemsArn }, resolve);
    const after = grantsAllow(changed, { action: "dynamodb:Scan", resource: itemsArn }, resolve);
    // Assess
    expect(before).toBe(true);
    expect(after).toBe(false);
  });
});
