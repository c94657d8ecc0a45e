/**
 * The authorizer's answer, checked and evaluated the way API Gateway does:
 * an IAM policy whose statements are matched against the method ARN of the
 * request, with explicit Deny winning over Allow.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 */

/** An authorizer result that passed the checks API Gateway applies. */
export interface AuthorizerGrant {
  readonly principalId: string;
  readonly statements: readonly PolicyStatement[];
  /** Context values as the integration receives them: strings (API Gateway stringifies numbers and booleans). */
  readonly context: Readonly<Record<string, string>>;
}

export interface PolicyStatement {
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** What the policy says about one method ARN. */
export type PolicyDecision = "allow" | "explicit-deny" | "implicit-deny";

/** The authorizer returned something API Gateway cannot use; the client then gets a 500. */
export class MalformedAuthorizerResultError extends Error {
  override readonly name = "MalformedAuthorizerResultError";
}

/**
 * Checks the authorizer's return value: a `principalId` string, a policy
 * document with statements that each carry Effect, Action and Resource, and a
 * context of strings, numbers and booleans only (anything else is a 500 in
 * API Gateway too).
 */
export function parseAuthorizerResult(value: unknown): AuthorizerGrant {
  if (!isRecord(value)) throw new MalformedAuthorizerResultError("The authorizer result is not an object");
  const { principalId, policyDocument, context } = value;
  if (typeof principalId !== "string") throw new MalformedAuthorizerResultError('"principalId" must be a string');
  if (!isRecord(policyDocument)) throw new MalformedAuthorizerResultError('"policyDocument" must be an object');
  const rawStatements = policyDocument.Statement;
  const list = Array.isArray(rawStatements) ? rawStatements : rawStatements === undefined ? [] : [rawStatements];
  if (list.length === 0) throw new MalformedAuthorizerResultError('"policyDocument.Statement" must hold at least one statement');
  const statements = list.map(parseStatement);
  return { principalId, statements, context: parseContext(context) };
}

function parseStatement(value: unknown, index: number): PolicyStatement {
  if (!isRecord(value)) throw new MalformedAuthorizerResultError(`Statement ${index} is not an object`);
  const effect = value.Effect;
  if (effect !== "Allow" && effect !== "Deny")
    throw new MalformedAuthorizerResultError(`Statement ${index} has no Effect "Allow" or "Deny"`);
  return {
    effect,
    actions: stringList(value.Action, `Statement ${index} Action`),
    resources: stringList(value.Resource, `Statement ${index} Resource`),
  };
}

function stringList(value: unknown, what: string): string[] {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item): item is string => typeof item === "string")) {
    throw new MalformedAuthorizerResultError(`${what} must be a string or a non-empty array of strings`);
  }
  return list;
}

function parseContext(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new MalformedAuthorizerResultError('"context" must be an object');
  const context: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string" && typeof item !== "number" && typeof item !== "boolean") {
      throw new MalformedAuthorizerResultError(`"context.${key}" must be a string, number or boolean`);
    }
    context[key] = String(item);
  }
  return context;
}

/**
 * Evaluates the statements against one method ARN like IAM: any matching Deny
 * wins, otherwise any matching Allow allows, otherwise the request is denied
 * implicitly. Resources match case-sensitively, actions case-insensitively.
 */
export function evaluatePolicy(statements: readonly PolicyStatement[], methodArn: string): PolicyDecision {
  let allowed = false;
  for (const statement of statements) {
    const actionMatches = statement.actions.some((action) => matchesWildcard(action.toLowerCase(), "execute-api:invoke"));
    if (!actionMatches) continue;
    if (!statement.resources.some((resource) => matchesWildcard(resource, methodArn))) continue;
    if (statement.effect === "Deny") return "explicit-deny";
    allowed = true;
  }
  return allowed ? "allow" : "implicit-deny";
}

/**
 * IAM wildcard match: `*` is any run of characters (also across `/` and `:`),
 * `?` is exactly one character. Linear time, no regular expression built from
 * the authorizer's input.
 */
export function matchesWildcard(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === "*") {
      starP = p++;
      starV = v;
    } else if (starP !== -1) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
