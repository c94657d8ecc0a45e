import { devRelayGrants, type Grant, lambdaTrustPolicy, policyDocument } from "./iam.ts";
import { lambdaBundle } from "./lambda-bundle/options.ts";
import { logRetention } from "./stage.ts";

/** The Lambda runtime of every function (the Node CI also tests under). */
export const lambdaRuntime = "nodejs22.x";

/** A function as the stacks declare it: SST's arguments, with its IAM as a list of grants. */
export type LambdaSpec = Omit<sst.aws.FunctionArgs, "runtime" | "nodejs" | "permissions" | "transform"> & {
  /** Everything the function may do; nothing else reaches its role. */
  grants?: Grant[];
};

/**
 * SST function arguments with the project's defaults (runtime, bundling, log
 * retention per stage) and a role that SST creates but this file shapes:
 * trusted by Lambda only, and allowed exactly `grants` (plus the relay to
 * the laptop under `sst dev`). SST's own policy for the role is replaced, so
 * `link` can carry values (client secrets) without granting anything.
 * Functions with their own `role` (the BFF) get no SST role at all.
 */
export function lambdaArgs(spec: LambdaSpec): sst.aws.FunctionArgs {
  const { grants = [], ...args } = spec;
  const statements = [...grants, ...devRelayGrants()];
  return {
    runtime: lambdaRuntime,
    nodejs: lambdaBundle,
    logging: { retention: logRetention() },
    ...args,
    transform: {
      role: (role) => {
        role.assumeRolePolicy = lambdaTrustPolicy;
        role.inlinePolicies = statements.length > 0 ? [{ name: "inline", policy: policyDocument(statements) }] : [];
      },
    },
  };
}
