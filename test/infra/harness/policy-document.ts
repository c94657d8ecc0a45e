/**
 * Builds the IAM JSON that `aws.iam.getPolicyDocument` would return, so role
 * policies under mocks are real documents the tests can read.
 */
interface PulumiStatement {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  notPrincipals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** One IAM statement in the JSON form AWS uses. */
export interface IamStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: "*" | Record<string, string | string[]>;
  NotPrincipal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document. */
export interface IamPolicy {
  Version: string;
  Statement: IamStatement[];
}

function principals(list: { type: string; identifiers: string[] }[]): "*" | Record<string, string[]> {
  const first = list[0];
  if (list.length === 1 && first?.type === "*") return "*";
  const out: Record<string, string[]> = {};
  for (const p of list) out[p.type] = [...(out[p.type] ?? []), ...p.identifiers];
  return out;
}

/** Converts `getPolicyDocument` inputs to the IAM JSON string. */
export function policyDocumentJson(inputs: { statements?: PulumiStatement[] }): string {
  const statements: IamStatement[] = (inputs.statements ?? []).map((s) => {
    const statement: IamStatement = { Effect: s.effect === "Deny" ? "Deny" : "Allow" };
    if (s.sid) statement.Sid = s.sid;
    if (s.actions) statement.Action = s.actions;
    if (s.notActions) statement.NotAction = s.notActions;
    if (s.resources) statement.Resource = s.resources;
    if (s.notResources) statement.NotResource = s.notResources;
    if (s.principals) statement.Principal = principals(s.principals);
    if (s.notPrincipals) {
      const np = principals(s.notPrincipals);
      if (np !== "*") statement.NotPrincipal = np;
    }
    if (s.conditions) {
      const condition: Record<string, Record<string, string[]>> = {};
      for (const c of s.conditions) condition[c.test] = { ...(condition[c.test] ?? {}), [c.variable]: c.values };
      statement.Condition = condition;
    }
    return statement;
  });
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Parses a policy given as a JSON string or an object, with `Statement` always an array. */
export function parsePolicy(value: unknown): IamPolicy {
  const doc = (typeof value === "string" ? JSON.parse(value) : value) as { Version?: string; Statement?: IamStatement | IamStatement[] };
  const statement = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return { Version: doc.Version ?? "", Statement: statement };
}

/** `Action`/`Resource` fields as arrays. */
export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
