import { createHash } from "node:crypto";
import type { LoginMode } from "@spa-bff/core/infra";
import { isProduction } from "./stage.ts";

/**
 * Per-stage settings. Each lives in the stage's SST secrets, stored with the
 * stage's state in the account, so every deploy of a stage (from any shell,
 * laptop or CI) reads the same values and a deploy without them changes
 * nothing:
 *
 *   npx sst secret set LoginMode branded --stage prod
 *   npx sst secret set SenderEmail sign-in@mail.example.org --stage prod
 *   npx sst secret set SiteDomain app.example.org --stage prod
 *   npx sst secret set SharedVpcId vpc-0123456789abcdef0 --stage alice
 *
 * The CLI hands a stage's secrets to the program as `SST_SECRET_<Name>`
 * before it runs (pkg/project/run.go); they are read from there rather than
 * through `sst.Secret(...).value` because they decide which resources exist
 * (a custom domain, a shared VPC), and an Output is known too late for that.
 * Plain `LOGIN_MODE`, `SENDER_EMAIL` or `SITE_DOMAIN` in the shell are ignored.
 */
export const settingNames = {
  loginMode: "LoginMode",
  senderEmail: "SenderEmail",
  siteDomain: "SiteDomain",
  sharedVpcId: "SharedVpcId",
} as const;

export type { LoginMode };

export interface StageSettings {
  /** How users sign in: Cognito's hosted page (code flow, the default) or the BFF's branded page with an emailed code. */
  loginMode: LoginMode;
  /** The SES identity the second factor's codes come from. */
  senderEmail: string;
  /** A custom domain for the Router (hosted in Route 53), or none: the CloudFront URL. */
  siteDomain: string | undefined;
  /** An existing SST VPC to reuse instead of creating one (developers' stages only). */
  sharedVpcId: string | undefined;
}

function secret(name: string): string | undefined {
  const value = process.env[`SST_SECRET_${name}`]?.trim();
  return value ? value : undefined;
}

function invalid(name: string, value: string, expected: string): Error {
  return new Error(
    `Invalid ${name} "${value}" for stage "${$app.stage}". Expected ${expected} (npx sst secret set ${name} <value> --stage ${$app.stage}).`,
  );
}

/**
 * The default sender: unique per app and stage, so two stages in one account
 * never create the same SES identity (identities are per account and
 * region). example.com cannot be verified: set `SenderEmail` before
 * using the branded sign-in.
 */
export function defaultSenderEmail(app: string, stage: string): string {
  return `no-reply+${app}-${stage}@example.com`;
}

/** Reads and validates the stage's settings; an invalid value fails the deploy before anything changes. */
export function stageSettings(): StageSettings {
  const loginMode = secret(settingNames.loginMode) ?? "hosted";
  if (loginMode !== "hosted" && loginMode !== "branded") throw invalid(settingNames.loginMode, loginMode, '"hosted" or "branded"');

  const senderEmail = secret(settingNames.senderEmail) ?? defaultSenderEmail($app.name, $app.stage);
  // The Create trigger validates CODE_SENDER_EMAIL with zod's email check at cold start; refuse here what it would refuse there.
  if (!/^(?!\.)(?!.*\.\.)[\w'+.-]*[\w+-]@([a-z0-9][a-z0-9-]*\.)+[a-z]{2,}$/i.test(senderEmail)) {
    throw invalid(settingNames.senderEmail, senderEmail, "an email address");
  }

  const siteDomain = secret(settingNames.siteDomain);
  if (siteDomain && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(siteDomain)) {
    throw invalid(settingNames.siteDomain, siteDomain, "a lowercase host name such as app.example.org");
  }

  const sharedVpcId = secret(settingNames.sharedVpcId);
  if (sharedVpcId && !/^vpc-[0-9a-f]{8,17}$/.test(sharedVpcId)) throw invalid(settingNames.sharedVpcId, sharedVpcId, "a VPC id (vpc-…)");
  // Production owns its network: its NAT gateways, endpoints and security groups are nobody else's to change.
  if (sharedVpcId && isProduction())
    throw new Error(`Stage "${$app.stage}" is a production stage; it creates its own VPC (remove the SharedVpcId secret).`);

  return { loginMode, senderEmail, siteDomain, sharedVpcId };
}

// Cognito refuses a domain prefix containing these words.
const reservedInDomainPrefix = /aws|amazon|cognito/g;

/**
 * The hosted UI domain prefix, which must be unique across all of AWS: the
 * app and stage, plus a hash of the account and region, so the same stage
 * name in two accounts (or regions) never collides. The hash, not the
 * account id itself, goes into the public URL.
 */
export function cognitoDomainPrefix(app: string, stage: string, accountId: string, region: string): string {
  const suffix = createHash("sha256").update(`${accountId}:${region}`).digest("hex").slice(0, 8);
  const readable = `${app}-${stage}`
    .toLowerCase()
    .replace(reservedInDomainPrefix, "x")
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 63 - suffix.length - 1);
  return `${readable.replace(/-$/, "")}-${suffix}`;
}
