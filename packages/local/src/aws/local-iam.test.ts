import { roleGrants } from "@spa-bff/core/infra";
import { describe, expect, it } from "vitest";
import { localArnResolver } from "./arns.ts";
import { createLocalIam, localAdminCredentials } from "./local-iam.ts";

const resolve = localArnResolver({
  accountId: "123456789012",
  region: "us-east-1",
  tables: { Sessions: "local-Sessions", Items: "local-Items", SignInAttempts: "local-SignInAttempts" },
  bucket: "local-files",
});
const itemsArn = "arn:aws:dynamodb:us-east-1:123456789012:table/local-Items";
const sessionsArn = "arn:aws:dynamodb:us-east-1:123456789012:table/local-Sessions";

describe("createLocalIam().credentialsFor", () => {
  it("gives a role temporary-looking credentials whose ARN names the role and session", () => {
    // Prepare
    const iam = createLocalIam({ resolve });
    // Act
    const credentials = iam.credentialsFor("items", "ApiItems");
    // Assess
    expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(credentials.secretAccessKey).toHaveLength(40);
    expect(credentials.sessionToken.length).toBeGreaterThan(100);
    expect(credentials.arn).toBe("arn:aws:sts::123456789012:assumed-role/items/ApiItems");
  });

  it("gives the same set for the same role and session, another for another session", () => {
    // Prepare
    const iam = createLocalIam({ resolve });
    // Act
    const first = iam.credentialsFor("bff", "BffApi");
    const again = iam.credentialsFor("bff", "BffApi");
    const other = iam.credentialsFor("bff", "BffAuth");
    // Assess
    expect(again).toEqual(first);
    expect(other.accessKeyId).not.toBe(first.accessKeyId);
    expect(iam.credentialsFor("bff").arn).toBe("arn:aws:sts::123456789012:assumed-role/bff/bff");
  });

  it("refuses a role the declaration does not have", () => {
    // Prepare
    const iam = createLocalIam({ resolve });
    // Act
    const act = () => iam.credentialsFor("admin" as never);
    // Assess
    expect(act).toThrow('"role" must be a role of the declaration, got "admin"');
  });
});

describe("createLocalIam().authorize", () => {
  it("allows a role exactly its declared grants, with the key's session token", () => {
    // Prepare
    const iam = createLocalIam({ resolve });
    const items = iam.credentialsFor("items");
    // Act
    const decision = iam.authorize(items.accessKeyId, "dynamodb:Scan", itemsArn, { sessionToken: items.sessionToken });
    // Assess
    expect(decision).toEqual({ allowed: true, principal: { kind: "role", role: "items", arn: items.arn } });
  });

  it("refuses what the role is not granted, in IAM's words", () => {
    // Prepare
    const iam = createLocalIam({ resolve });
    const bff = iam.credentialsFor("bff", "BffApi");
    // Act
    const decision = iam.authorize(bff.accessKeyId, "dynamodb:Scan", sessionsArn, { sessionToken: bff.sessionToken });
    // Assess
    expect(decision).toMatchObject({
      allowed: false,
      reason: "not_granted",
      message:
        "User: arn:aws:sts::123456789012:assumed-role/bff/BffApi is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:us-east-1:123456789012:table/local-Sessions because no identity-based policy allows the dynamodb:Scan action",
    });
  });

  it("refuses a role key without its session token, or with another one", () => {
    // Prepare
    const iam = createLocalIam({ resolve });
    const items = iam.credentialsFor("items");
    const other = iam.credentialsFor("bff");
    // Act
    const missing = iam.authorize(items.accessKeyId, "dynamodb:Scan", itemsArn);
    const wrong = iam.authorize(items.accessKeyId, "dynamodb:Scan", itemsArn, { sessionToken: other.sessionToken });
    // Assess
    expect(missing).toEqual({ allowed: false, reason: "missing_token" });
    expect(wrong).toEqual({ allowed: false, reason: "invalid_token" });
  });

  it("does not know keys it never issued", () => {
    // Prepare
    const iam = createLocalIam({ resolve });
    // Act
    const decision = iam.authorize("AKIAEXAMPLE", "dynamodb:Scan", itemsArn);
    // Assess
    expect(decision).toEqual({ allowed: false, reason: "unknown_key" });
    expect(iam.secretAccessKeyFor("AKIAEXAMPLE")).toBeUndefined();
  });

  it("allows the administrator keys everything, without a session token", () => {
    // Prepare
    const iam = createLocalIam({ resolve });
    // Act
    const decision = iam.authorize(localAdminCredentials.accessKeyId, "dynamodb:DeleteTable", itemsArn);
    // Assess
    expect(decision).toEqual({ allowed: true, principal: { kind: "admin", arn: "arn:aws:iam::123456789012:user/local-admin" } });
    expect(iam.secretAccessKeyFor("local")).toBe("local");
  });

  it("evaluates the grants it is given: one value changed in the declaration changes the answer", () => {
    // Prepare
    const changed = {
      ...roleGrants,
      items: roleGrants.items.map((grant) => ({ ...grant, actions: grant.actions.filter((action) => action !== "dynamodb:Scan") })),
    };
    const declared = createLocalIam({ resolve });
    const modified = createLocalIam({ resolve, roleGrants: changed });
    const a = declared.credentialsFor("items");
    const b = modified.credentialsFor("items");
    // Act
    const before = declared.authorize(a.accessKeyId, "dynamodb:Scan", itemsArn, { sessionToken: a.sessionToken });
    const after = modified.authorize(b.accessKeyId, "dynamodb:Scan", itemsArn, { sessionToken: b.sessionToken });
    const stillAllowed = modified.authorize(b.accessKeyId, "dynamodb:Query", itemsArn, { sessionToken: b.sessionToken });
    // Assess
    expect(before.allowed).toBe(true);
    expect(after).toMatchObject({ allowed: false, reason: "not_granted" });
    expect(stillAllowed.allowed).toBe(true);
  });
});

describe("createLocalIam() web-identity sessions", () => {
  it("issues files-role credentials that carry the sub for the policy variable and end at their duration", () => {
    // Prepare
    let now = Date.UTC(2030, 0, 1);
    const iam = createLocalIam({ resolve, now: () => now });
    // Act
    const credentials = iam.issueWebIdentityCredentials({ sub: "alice", sessionName: "alice", durationSeconds: 900 });
    const own = iam.authorize(credentials.accessKeyId, "s3:PutObject", "arn:aws:s3:::local-files/uploads/alice/1-a.txt", {
      sessionToken: credentials.sessionToken,
    });
    const other = iam.authorize(credentials.accessKeyId, "s3:PutObject", "arn:aws:s3:::local-files/uploads/bob/1-a.txt", {
      sessionToken: credentials.sessionToken,
    });
    now += 900 * 1000;
    const expired = iam.authenticate(credentials.accessKeyId, credentials.sessionToken);
    // Assess
    expect(credentials.arn).toBe("arn:aws:sts::123456789012:assumed-role/local-files/alice");
    expect(credentials.expiresAt).toBe(Date.UTC(2030, 0, 1) / 1000 + 900);
    expect(credentials.assumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:alice$/);
    expect(own.allowed).toBe(true);
    expect(other).toMatchObject({ allowed: false, reason: "not_granted" });
    expect(expired).toEqual({ ok: false, reason: "expired_token" });
    expect(iam.filesRoleArn).toBe("arn:aws:iam::123456789012:role/local-files");
    expect(iam.issuedWebIdentityCredentials()).toEqual([credentials]);
  });

  it("grants a role nothing of the files role's objects", () => {
    // Prepare
    const iam = createLocalIam({ resolve });
    const bff = iam.credentialsFor("bff");
    // Act
    const decision = iam.authorize(bff.accessKeyId, "s3:PutObject", "arn:aws:s3:::local-files/uploads/bff/x", {
      sessionToken: bff.sessionToken,
    });
    // Assess
    expect(decision).toMatchObject({ allowed: false, reason: "not_granted" });
  });
});

describe("createLocalIam().cognitoIam", () => {
  it("answers the local Cognito's question by the key's grants", () => {
    // Prepare
    const iam = createLocalIam({ resolve });
    const bff = iam.credentialsFor("bff");
    const { isAllowed, secretAccessKeyFor } = iam.cognitoIam();
    const pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_LocalPool";
    // Act
    const role = isAllowed(bff.accessKeyId, "cognito-idp:AdminUserGlobalSignOut", pool);
    const admin = isAllowed("local", "cognito-idp:AdminUserGlobalSignOut", pool);
    const unknown = isAllowed("AKIAUNKNOWN", "cognito-idp:AdminUserGlobalSignOut", pool);
    // Assess
    expect([role, admin, unknown]).toEqual([false, true, false]);
    expect(secretAccessKeyFor(bff.accessKeyId)).toBe(bff.secretAccessKey);
  });
});
