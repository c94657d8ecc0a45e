import type { Grant } from "@spa-bff/core/infra";
import type { ArnResolver } from "./arns.ts";

/** One call to authorize: an IAM action on one resource, with the request's condition keys. */
export interface GrantRequest {
  /** `service:Operation`, e.g. `dynamodb:Scan`. */
  readonly action: string;
  /** The ARN the call touches. */
  readonly resource: string;
  /** Policy variables of the caller's session: `sub` for web-identity sessions (`${sub}` in the declaration). */
  readonly variables?: Readonly<Record<string, string>>;
  /** `kms:EncryptionContext:<key>` values of the call. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** `s3:prefix` of a ListBucket call; absent when the call sends none. */
  readonly s3Prefix?: string;
}

/**
 * Whether the grants allow the request, evaluated as IAM evaluates an
 * identity policy of Allow statements: some statement must match the action
 * (wildcards `*` and `?`, case-insensitive), the resource (wildcards,
 * case-sensitive, policy variables substituted literally) and every one of
 * its conditions. A condition key the request lacks fails its condition, and
 * a policy variable the session lacks makes its statement not match, as in
 * IAM. There are no Deny statements in the declaration, so none here.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * @example
 * grantsAllow(roleGrants.items, { action: "dynamodb:Scan", resource: itemsTableArn }, resolve); // true
 */
export function grantsAllow(grants: readonly Grant[], request: GrantRequest, resolve: ArnResolver): boolean {
  const variables = request.variables ?? {};
  return grants.some((grant) => {
    if (!grant.actions.some((action) => matches(action, request.action, {}, "i"))) return false;
    if (!matches(resolve(grant.resource), request.resource, variables, "")) return false;
    if (grant.encryptionContext) {
      const context = request.encryptionContext ?? {};
      // StringEquals on kms:EncryptionContext:<key>: each declared pair must be present with exactly that value.
      for (const [key, value] of Object.entries(grant.encryptionContext)) if (context[key] !== value) return false;
    }
    if (grant.listPrefixes) {
      // StringLike on s3:prefix: a ListBucket without a prefix has no such key, so the condition fails.
      const prefix = request.s3Prefix;
      if (prefix === undefined || !grant.listPrefixes.some((pattern) => matches(pattern, prefix, variables, ""))) return false;
    }
    return true;
  });
}

const variablePattern = /\$\{([^}]+)\}/g;

/**
 * IAM's string matching: `*` any run of characters (`/` included), `?` one
 * character, `${name}` the variable's value taken literally, and `${*}`,
 * `${?}`, `${$}` the literal characters. Returns false when a variable has no
 * value.
 */
export function matches(pattern: string, value: string, variables: Readonly<Record<string, string>>, flags: "" | "i"): boolean {
  let source = "";
  let last = 0;
  for (const match of pattern.matchAll(variablePattern)) {
    source += globToRegExp(pattern.slice(last, match.index));
    const name = match[1] ?? "";
    const literal = name === "*" || name === "?" || name === "$" ? name : Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (literal === undefined) return false;
    source += escapeRegExp(literal);
    last = match.index + match[0].length;
  }
  source += globToRegExp(pattern.slice(last));
  return new RegExp(`^${source}$`, `s${flags}`).test(value);
}

function globToRegExp(glob: string): string {
  return glob
    .split("*")
    .map((part) => part.split("?").map(escapeRegExp).join("."))
    .join(".*");
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
