import type { PolicyDocument, Statement } from "aws-lambda";

/** The HTTP status API Gateway gives a cached policy for one method ARN (IAM semantics: explicit Deny wins). */
export function evaluatePolicy(policy: PolicyDocument, methodArn: string): 200 | 403 {
  const statements: Statement[] = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement as unknown as Statement];
  const matching = statements.filter((statement) => {
    const { Action: action, Resource: resource } = statement as { Action?: string | string[]; Resource?: string | string[] };
    const actions = Array.isArray(action) ? action : [action];
    const resources = Array.isArray(resource) ? resource : [resource];
    return (
      actions.some((value) => value !== undefined && matches(value, "execute-api:Invoke")) &&
      resources.some((value) => value !== undefined && matches(value, methodArn))
    );
  });
  if (matching.some((statement) => statement.Effect === "Deny")) return 403;
  return matching.some((statement) => statement.Effect === "Allow") ? 200 : 403;
}

/** IAM wildcard match: `*` is any run of characters (also across "/"), `?` one character. */
function matches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`).test(value);
}
