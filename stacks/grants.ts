import type { Grant, GrantResource } from "@spa-bff/core/infra";
import type { PolicyStatement } from "./iam.ts";

/** A resource the stacks create and the declaration grants on (indexes and object prefixes derive from these). */
export type NamedResource = Exclude<GrantResource, { readonly index: unknown } | { readonly objects: unknown }>;

/** The declaration's `${sub}`: the web identity's own subject, an IAM policy variable. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the IAM policy variable as the declaration writes it, not a template
const subPlaceholder = "${sub}";

/**
 * Where the declaration's logical resources live in this stage. Each part of
 * the stacks records what it creates (`register`), and a role's grants
 * resolve against it when the role is built, so a grant on a resource the
 * stage has not created yet fails the deploy instead of granting nothing.
 */
export class GrantTargets {
  private readonly arns = new Map<string, $util.Input<string>[]>();

  /** Records the ARNs of a resource (several when AWS authorizes against more than one, e.g. an SES identity and its configuration set). */
  register(resource: NamedResource, ...arns: $util.Input<string>[]): void {
    this.arns.set(keyOf(resource), arns);
  }

  /** The deployed ARNs (or ARN patterns) a grant's resource stands for. */
  resolve(resource: GrantResource): $util.Input<string>[] {
    if ("index" in resource) {
      const [table, index] = resource.index;
      return this.lookup({ table }).map((arn) => $interpolate`${arn}/index/${index}`);
    }
    if ("objects" in resource) return this.lookup({ bucket: resource.objects }).map((arn) => $interpolate`${arn}/${resource.prefix}*`);
    return this.lookup(resource);
  }

  private lookup(resource: NamedResource): $util.Input<string>[] {
    const arns = this.arns.get(keyOf(resource));
    if (!arns) {
      throw new Error(
        `A role is granted ${JSON.stringify(resource)} before the stage created it: create the resource first (stacks/index.ts) and register it with GrantTargets.`,
      );
    }
    return arns;
  }
}

function keyOf(resource: NamedResource): string {
  return JSON.stringify(Object.entries(resource).sort());
}

/** An IAM `Sid` per resource (letters and digits only), so a policy reads like the declaration. */
function sidOf(resource: GrantResource): string {
  if ("table" in resource) return resource.table;
  if ("index" in resource) return `${resource.index[0]}Index${resource.index[1].replace(/[^A-Za-z0-9]/g, "")}`;
  if ("key" in resource) return resource.key;
  if ("emailIdentity" in resource) return resource.emailIdentity;
  if ("userPool" in resource) return resource.userPool;
  if ("bucket" in resource) return `${resource.bucket}Bucket`;
  return `${resource.objects}Objects`;
}

/** Refuses a `${sub}` where no variable was given: a function role's policy must never carry a placeholder IAM would read literally. */
function assertSubResolvable(text: string, sub: $util.Input<string> | undefined): void {
  if (text.includes(subPlaceholder) && sub === undefined) {
    throw new Error(`The grant "${text}" names \${sub}, which only a web identity's role can resolve.`);
  }
}

/** Replaces the declaration's `${sub}` with the policy variable of the token's subject. */
function withSub(text: $util.Input<string>, sub: $util.Input<string> | undefined): $util.Output<string> {
  return $output([text, sub ?? ""]).apply(([value, variable]) => value.split(subPlaceholder).join(variable));
}

/**
 * A role's IAM statements, exactly the declared grants: each grant's actions
 * on its resolved resources, `encryptionContext` as
 * `kms:EncryptionContext:<key>` equality and `listPrefixes` as an `s3:prefix`
 * pattern. `sub` is the IAM policy variable a `${sub}` stands for (the
 * federated files role: `${<issuer host/path>:sub}`).
 */
export function statementsFor(grants: readonly Grant[], targets: GrantTargets, sub?: $util.Input<string>): PolicyStatement[] {
  const sids = new Map<string, number>();
  return grants.map((grant) => {
    const base = sidOf(grant.resource);
    const seen = sids.get(base) ?? 0;
    sids.set(base, seen + 1);
    if ("objects" in grant.resource) assertSubResolvable(grant.resource.prefix, sub);
    for (const prefix of grant.listPrefixes ?? []) assertSubResolvable(prefix, sub);
    const resources = targets.resolve(grant.resource).map((arn) => ("objects" in grant.resource ? withSub(arn, sub) : arn));
    const conditions: NonNullable<PolicyStatement["conditions"]> = {};
    if (grant.encryptionContext) {
      conditions.StringEquals = Object.fromEntries(
        Object.entries(grant.encryptionContext).map(([key, value]) => [`kms:EncryptionContext:${key}`, value]),
      );
    }
    if (grant.listPrefixes) conditions.StringLike = { "s3:prefix": $output(grant.listPrefixes.map((prefix) => withSub(prefix, sub))) };
    return {
      sid: seen === 0 ? base : `${base}${seen + 1}`,
      actions: [...grant.actions],
      resources,
      ...(Object.keys(conditions).length > 0 ? { conditions } : {}),
    };
  });
}
