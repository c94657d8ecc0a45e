import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluatePolicy, MalformedAuthorizerResultError, matchesWildcard, parseAuthorizerResult } from "./policy.ts";

const arn = "arn:aws:execute-api:us-east-1:123456789012:local/local/GET/items/42";

function policy(statement: unknown) {
  return { principalId: "user-1", policyDocument: { Version: "2012-10-17", Statement: statement } };
}

describe("matchesWildcard", () => {
  it("lets * span slashes and colons", () => {
    expect(matchesWildcard("arn:aws:execute-api:*", arn)).toBe(true);
    expect(matchesWildcard("arn:aws:execute-api:us-east-1:123456789012:local/local/*", arn)).toBe(true);
    expect(matchesWildcard("arn:aws:execute-api:us-east-1:123456789012:local/local/*/items/*", arn)).toBe(true);
  });

  it("lets ? stand for exactly one character", () => {
    expect(matchesWildcard("arn:aws:execute-api:us-east-1:123456789012:local/local/GET/items/4?", arn)).toBe(true);
    expect(matchesWildcard("arn:aws:execute-api:us-east-1:123456789012:local/local/GET/items/?", arn)).toBe(false);
  });

  it("matches resources case-sensitively", () => {
    expect(matchesWildcard(arn.replace("GET", "get"), arn)).toBe(false);
  });

  it("refuses a pattern for another method or path", () => {
    expect(matchesWildcard("arn:aws:execute-api:us-east-1:123456789012:local/local/POST/*", arn)).toBe(false);
    expect(matchesWildcard("arn:aws:execute-api:us-east-1:123456789012:local/local/GET/items", arn)).toBe(false);
  });

  it("agrees with a reference regular expression on any input", () => {
    const alphabet = fc.constantFrom("a", "b", "/", "*", "?");
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom("a", "b", "/"), maxLength: 8 }),
        (pattern, value) => {
          const reference = new RegExp(`^${pattern.replace(/[/]/g, "\\/").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
          expect(matchesWildcard(pattern, value)).toBe(reference.test(value));
        },
      ),
    );
  });
});

describe("evaluatePolicy", () => {
  it("allows when an Allow statement matches the method ARN", () => {
    // Prepare
    const grant = parseAuthorizerResult(policy([{ Effect: "Allow", Action: "execute-api:Invoke", Resource: arn }]));
    // Act / Assess
    expect(evaluatePolicy(grant.statements, arn)).toBe("allow");
  });

  it("denies implicitly a method ARN that no statement names (the cached single-ARN policy trap)", () => {
    // Prepare
    const grant = parseAuthorizerResult(policy({ Effect: "Allow", Action: "execute-api:Invoke", Resource: arn }));
    // Act
    const decision = evaluatePolicy(grant.statements, arn.replace("GET/items/42", "POST/items"));
    // Assess
    expect(decision).toBe("implicit-deny");
  });

  it("lets an explicit Deny win over a matching Allow", () => {
    const grant = parseAuthorizerResult(
      policy([
        { Effect: "Allow", Action: "*", Resource: "*" },
        { Effect: "Deny", Action: "execute-api:Invoke", Resource: [arn] },
      ]),
    );
    expect(evaluatePolicy(grant.statements, arn)).toBe("explicit-deny");
  });

  it("accepts execute-api:* and a case-insensitive action", () => {
    expect(evaluatePolicy(parseAuthorizerResult(policy({ Effect: "Allow", Action: "execute-api:*", Resource: "*" })).statements, arn)).toBe(
      "allow",
    );
    expect(
      evaluatePolicy(parseAuthorizerResult(policy({ Effect: "Allow", Action: "Execute-API:invoke", Resource: "*" })).statements, arn),
    ).toBe("allow");
  });

  it("ignores statements about other actions", () => {
    const grant = parseAuthorizerResult(policy({ Effect: "Deny", Action: "execute-api:ManageConnections", Resource: "*" }));
    expect(evaluatePolicy(grant.statements, arn)).toBe("implicit-deny");
  });
});

describe("parseAuthorizerResult", () => {
  it("stringifies number and boolean context values as API Gateway does", () => {
    // Act
    const grant = parseAuthorizerResult({
      ...policy({ Effect: "Allow", Action: "*", Resource: "*" }),
      context: { sub: "u1", n: 3, ok: true },
    });
    // Assess
    expect(grant).toEqual({
      principalId: "user-1",
      statements: [{ effect: "Allow", actions: ["*"], resources: ["*"] }],
      context: { sub: "u1", n: "3", ok: "true" },
    });
  });

  it("refuses a context value that is an object", () => {
    const act = () => parseAuthorizerResult({ ...policy({ Effect: "Allow", Action: "*", Resource: "*" }), context: { scopes: ["a"] } });
    expect(act).toThrow(MalformedAuthorizerResultError);
    expect(act).toThrow('"context.scopes" must be a string, number or boolean');
  });

  it("refuses results without a principalId, a policy or statements", () => {
    expect(() => parseAuthorizerResult(null)).toThrow("The authorizer result is not an object");
    expect(() => parseAuthorizerResult({ policyDocument: {} })).toThrow('"principalId" must be a string');
    expect(() => parseAuthorizerResult({ principalId: "x" })).toThrow('"policyDocument" must be an object');
    expect(() => parseAuthorizerResult(policy([]))).toThrow('"policyDocument.Statement" must hold at least one statement');
  });

  it("refuses a statement with an unknown Effect or without Resource", () => {
    expect(() => parseAuthorizerResult(policy({ Effect: "allow", Action: "*", Resource: "*" }))).toThrow(
      'Statement 0 has no Effect "Allow" or "Deny"',
    );
    expect(() => parseAuthorizerResult(policy({ Effect: "Allow", Action: "*" }))).toThrow(
      "Statement 0 Resource must be a string or a non-empty array of strings",
    );
  });
});
