/**
 * Every Lambda function of a stage, as both readers see it: `stacks/` deploys
 * them with these entries, timeouts and memory sizes, and the local platform
 * runs the same entries in instance pools with the same limits.
 */
export interface FunctionSpec {
  /** The SST component name. */
  readonly name: string;
  /** The entry file, relative to the repository root; its export `handler` is the Lambda handler. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** The role whose grants (grants.ts) the function runs with. */
  readonly role: RoleName;
  /** In the VPC's private subnets (it reaches the private API or only AWS endpoints). */
  readonly vpc: boolean;
  /** Deployed only for an IdP that sends back-channel logout tokens (not Cognito). */
  readonly onlyWithLogoutTokens?: true;
}

export type RoleName = "bff" | "authorizer" | "items" | "m2mJob" | "defineTrigger" | "createTrigger" | "verifyTrigger" | "preTokenTrigger";

export const functions = {
  bffAuth: {
    name: "BffAuth",
    entry: "packages/bff/src/lambda/auth.ts",
    memoryMb: 512,
    // Longer than the IdP and upstream timeouts (8 s) so a slow dependency ends in the BFF's own 502/504, not a Lambda timeout.
    timeoutSeconds: 15,
    role: "bff",
    vpc: true,
  },
  bffApi: { name: "BffApi", entry: "packages/bff/src/lambda/api.ts", memoryMb: 512, timeoutSeconds: 15, role: "bff", vpc: true },
  bffFiles: { name: "BffFiles", entry: "packages/bff/src/lambda/files.ts", memoryMb: 512, timeoutSeconds: 15, role: "bff", vpc: true },
  /**
   * The back-channel logout receiver: a public function URL the IdP calls
   * directly (CloudFront's origin access control would need a body hash no
   * IdP sends). Deployed only for an IdP that sends logout tokens; Cognito
   * sends none, so the stacks, which use Cognito, do not deploy it. The
   * local platform runs it with the `oidc` IdP profile.
   */
  bffBackchannel: {
    name: "BffBackchannel",
    entry: "packages/bff/src/lambda/backchannel.ts",
    memoryMb: 256,
    timeoutSeconds: 10,
    role: "bff",
    vpc: true,
    onlyWithLogoutTokens: true,
  },
  authorizer: {
    name: "ApiAuthorizer",
    entry: "packages/authorizer/src/lambda/authorizer.ts",
    memoryMb: 256,
    timeoutSeconds: 10,
    role: "authorizer",
    vpc: false,
  },
  items: { name: "ApiItems", entry: "packages/api/src/lambda/items.ts", memoryMb: 256, timeoutSeconds: 10, role: "items", vpc: false },
  m2mJob: { name: "M2mJob", entry: "packages/m2m/src/lambda/job.ts", memoryMb: 256, timeoutSeconds: 30, role: "m2mJob", vpc: true },
  // Cognito waits 5 seconds for a trigger, then fails the sign-in.
  defineTrigger: {
    name: "UserPoolTriggerdefineAuthChallenge",
    entry: "packages/auth-challenge/src/lambda/define.ts",
    memoryMb: 256,
    timeoutSeconds: 5,
    role: "defineTrigger",
    vpc: false,
  },
  createTrigger: {
    name: "UserPoolTriggercreateAuthChallenge",
    entry: "packages/auth-challenge/src/lambda/create.ts",
    memoryMb: 256,
    timeoutSeconds: 5,
    role: "createTrigger",
    vpc: false,
  },
  verifyTrigger: {
    name: "UserPoolTriggerverifyAuthChallengeResponse",
    entry: "packages/auth-challenge/src/lambda/verify.ts",
    memoryMb: 256,
    timeoutSeconds: 5,
    role: "verifyTrigger",
    vpc: false,
  },
  preTokenTrigger: {
    name: "UserPoolTriggerpreTokenGeneration",
    entry: "packages/auth-challenge/src/lambda/pre-token.ts",
    memoryMb: 256,
    timeoutSeconds: 5,
    role: "preTokenTrigger",
    vpc: false,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionId = keyof typeof functions;

/** The SST handler string of a function (`<entry without .ts>.handler`). */
export function handlerOf(spec: FunctionSpec): string {
  return `${spec.entry.replace(/\.ts$/, "")}.handler`;
}
