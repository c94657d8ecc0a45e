/**
 * The shared declaration (`@spa-bff/core/infra`) has two readers: the stacks
 * deploy it and the local platform runs it (issue 19). A copy of the project
 * with one value of the declaration changed shows both follow the change,
 * and a declaration that would open a way around the second factor on a
 * branded stage (issue 15) fails the deploy with a message saying so.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asList, lambda, resource, roleOf, statementsOf } from "./checks/helpers.ts";
import { copyProject, type ProjectEdit, removeProject, repoRoot, type SynthResult, synth } from "./harness/index.ts";

const roots: string[] = [];

/** A copy of the project with its own packages, one declaration file edited (the text must occur once). */
function withDeclaration(name: string, file: string, find: string, replace: string): string {
  let applied = false;
  const edit: ProjectEdit = (candidate, source) => {
    if (candidate !== file) return source;
    expect(source.split(find), `"${find}" in ${file}`).toHaveLength(2);
    applied = true;
    return source.replace(find, replace);
  };
  const root = copyProject(name, edit, { packages: "copy" });
  roots.push(root);
  expect(applied, file).toBe(true);
  return root;
}

/** What the local platform of the project at `root` answers (see harness/local-reader.ts). */
interface LocalReading {
  /** The local DynamoDB's answer to the items role's Scan. */
  scan: string;
  /** The security headers the local edge's answer on /api/items carried. */
  headers: Record<string, string | null>;
}

function localReading(root: string): LocalReading {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(repoRoot, "test/infra/harness/local-reader.ts"), "--root", root],
    {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as LocalReading;
}

const localScan = (root: string) => localReading(root).scan;

/** The stage's CloudFront response headers policy, as deployed. */
const headersPolicy = (run: SynthResult) =>
  resource(run.resources, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "SecurityHeaders").inputs.securityHeadersConfig as {
    referrerPolicy: { referrerPolicy: string; override: boolean };
  };

/** The actions the deployed items function's role allows. */
const itemsActions = (run: SynthResult) => statementsOf(run, roleOf(run, lambda(run, "ApiItems"))).flatMap((s) => asList(s.Action));

afterAll(() => {
  for (const root of roots) removeProject(root);
});

describe("one declaration, two readers", () => {
  it("a role's grant changed in the declaration changes the deployed role and what the local platform allows", async () => {
    // Prepare: the items role loses Scan (the machine caller's list of every user's items).
    const changed = withDeclaration(
      "two-readers",
      "packages/core/src/deployment/grants.ts",
      '"dynamodb:Query", "dynamodb:Scan"',
      '"dynamodb:Query"',
    );

    // Act
    const deployedBefore = await synth({ stage: "dev" });
    const deployedAfter = await synth({ stage: "dev", root: changed });
    const localBefore = localScan(repoRoot);
    const localAfter = localScan(changed);

    // Assess
    expect(itemsActions(deployedBefore)).toContain("dynamodb:Scan");
    expect(localBefore).toBe("allowed");
    expect(itemsActions(deployedAfter)).not.toContain("dynamodb:Scan");
    expect(itemsActions(deployedAfter)).toContain("dynamodb:Query");
    expect(localAfter).toBe("AccessDeniedException");
  });

  it("a response header changed in the declaration changes CloudFront's policy and what the local edge sends on the BFF's answers", async () => {
    // Prepare: the referrer policy every answer gets.
    const changed = withDeclaration(
      "headers",
      "packages/core/src/deployment/edge.ts",
      '  referrerPolicy: "strict-origin-when-cross-origin",',
      '  referrerPolicy: "same-origin",',
    );

    // Act
    const deployed = await synth({ stage: "dev", root: changed });
    const localBefore = localReading(repoRoot).headers;
    const localAfter = localReading(changed).headers;

    // Assess
    expect(headersPolicy(deployed).referrerPolicy).toEqual({ referrerPolicy: "same-origin", override: true });
    expect(localBefore["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    // The BFF sent no-referrer; the edge's policy replaced it (override), with the changed value.
    expect(localAfter["referrer-policy"]).toBe("same-origin");
    expect(localAfter["x-frame-options"]).toBe("DENY");
  });

  it("a function's timeout changed in the declaration is the deployed function's timeout", async () => {
    // Prepare
    const changed = withDeclaration(
      "timeout",
      "packages/core/src/deployment/functions.ts",
      "    timeoutSeconds: 15,\n",
      "    timeoutSeconds: 12,\n",
    );

    // Act
    const deployed = await synth({ stage: "dev", root: changed });

    // Assess
    expect(lambda(deployed, "BffAuth").inputs.timeout).toBe(12);
    expect(lambda(deployed, "BffApi").inputs.timeout).toBe(15);
  });
});

describe("a declaration that would bypass the second factor", () => {
  it("fails a branded stage's deploy when the web client would keep the code flow on Cognito's hosted page", async () => {
    // Prepare
    const root = withDeclaration(
      "bypass-code-flow",
      "packages/core/src/deployment/identity.ts",
      '(mode === "hosted" ? ["code"] : [])',
      '(mode === "hosted" ? ["code"] : ["code"])',
    );

    // Act
    const run = synth({
      stage: "staging",
      root,
      secrets: { LoginMode: "branded", SenderEmail: "sign-in@mail.example.org" },
      timeoutMs: 60_000,
    });

    // Assess
    await expect(run).rejects.toThrow(
      'LoginMode "branded" on stage "staging": the web client allows the OAuth flows code: Cognito\'s hosted page signs a user in with the password alone, without the emailed code. Refusing to deploy a way around the second factor.',
    );
  });

  it("fails a branded stage's deploy when the web client would allow a password-only API flow", async () => {
    // Prepare
    const root = withDeclaration(
      "bypass-srp",
      "packages/core/src/deployment/identity.ts",
      '["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]',
      '["ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]',
    );

    // Act
    const run = synth({ stage: "staging", root, secrets: { LoginMode: "branded" }, timeoutMs: 60_000 });

    // Assess
    await expect(run).rejects.toThrow("the web client allows ALLOW_USER_SRP_AUTH, which signs a user in without the custom challenge");
  });

  it("deploys the same copy as a hosted stage, so the refusals above come from the branded stage's guard", async () => {
    // Prepare
    const root = withDeclaration(
      "hosted-srp",
      "packages/core/src/deployment/identity.ts",
      '["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]',
      '["ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]',
    );

    // Act
    const run = await synth({ stage: "dev", root });

    // Assess
    expect(run.outputs.site).toMatch(/^https:\/\//);
  });
});
