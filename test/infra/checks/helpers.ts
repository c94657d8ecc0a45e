import { asList, type IamStatement, type MockResource, ofType, parsePolicy, resource, type SynthResult } from "../harness/index.ts";

export type Inputs = Record<string, unknown>;

/** The key Pulumi marks a secret value with, in inputs as the harness records them. */
const secretSignature = "4dabf18193072939515e22adb298388d";

/** A value without its secret wrapper (an input derived from a secret, e.g. a function's environment once a secret is linked to it). */
export function unsecret(value: unknown): unknown {
  if (typeof value === "object" && value !== null && secretSignature in value) return unsecret((value as Inputs).value);
  return value;
}

/** A nested value, or undefined; secret wrappers on the way are looked through. */
export const get = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((v, k) => unsecret((unsecret(v) as Inputs | undefined)?.[k]), value);

/** Every Lambda function of a run. */
export const lambdas = (r: SynthResult) => ofType(r.resources, "aws:lambda/function:Function");

/** The Lambda function of an SST `Function` component. */
export const lambda = (r: SynthResult, name: string) => resource(r.resources, "aws:lambda/function:Function", `${name}Function`);

/** A function's environment variables. */
export const envOf = (fn: MockResource) => (get(fn.inputs, "environment", "variables") ?? {}) as Record<string, string>;

/** The site's URL without its trailing slash, as the functions and Cognito see it. */
export const siteOrigin = (r: SynthResult) => String(r.outputs.site).replace(/\/$/, "");

/** A role's physical name as its ARN carries it. */
export const roleName = (role: MockResource) => String(role.inputs.name ?? role.name);

/** The mock ARN of a role. */
export const roleArn = (role: MockResource) => `arn:aws:iam::123456789012:role/${roleName(role)}`;

/** Every statement a role may use: its inline policies and the RolePolicies attached to it by name. */
export function statementsOf(r: SynthResult, role: MockResource): IamStatement[] {
  const inline = ((role.inputs.inlinePolicies ?? []) as { policy?: string }[]).flatMap((p) =>
    p.policy ? parsePolicy(p.policy).Statement : [],
  );
  const attached = ofType(r.resources, "aws:iam/rolePolicy:RolePolicy")
    .filter((p) => String(p.inputs.role) === roleName(role))
    .flatMap((p) => parsePolicy(p.inputs.policy).Statement);
  return [...inline, ...attached];
}

/** Every statement of every role policy (inline, RolePolicy, SST's generated ones). */
export function allRoleStatements(r: SynthResult): IamStatement[] {
  const inline = ofType(r.resources, "aws:iam/role:Role").flatMap((role) =>
    ((role.inputs.inlinePolicies ?? []) as { policy?: string }[]).flatMap((p) => (p.policy ? parsePolicy(p.policy).Statement : [])),
  );
  const attached = ofType(r.resources, "aws:iam/rolePolicy:RolePolicy").flatMap((p) => parsePolicy(p.inputs.policy).Statement);
  return [...inline, ...attached];
}

/** The role a Lambda function runs as. */
export function roleOf(r: SynthResult, fn: MockResource): MockResource {
  const arn = String(fn.inputs.role);
  const role = ofType(r.resources, "aws:iam/role:Role").find((candidate) => roleArn(candidate) === arn);
  if (!role) throw new Error(`No role with ARN ${arn} for ${fn.name}`);
  return role;
}

/** The dynamic Router entries (`kind,hash,,path`) of a run: which paths go to a URL, which to the site. */
export function routerEntries(r: SynthResult): string[][] {
  return ofType(r.resources, "pulumi-nodejs:dynamic:Resource")
    .filter((x) => x.name.endsWith("RoutesUpdate"))
    .map((x) => String(x.inputs.entry).split(","));
}

export { asList, ofType, parsePolicy, resource };
