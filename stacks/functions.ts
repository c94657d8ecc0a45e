import { type FunctionId, functions, handlerOf, roleGrants } from "@spa-bff/core/infra";
import { type GrantTargets, statementsFor } from "./grants.ts";
import { devRelayGrants, lambdaTrustPolicy, policyDocument } from "./iam.ts";
import { lambdaBundle, lambdaRuntime } from "./lambda-bundle/options.ts";
import type { Network } from "./network.ts";
import { logRetention } from "./stage.ts";

/** Where a function goes: what its grants resolve against, the stage's network, and (for a shared role) the role. */
export interface FunctionPlacement {
  readonly targets: GrantTargets;
  /** Needed by a function the declaration places in the VPC. */
  readonly network?: Network;
  /**
   * The ARN of a role the stacks make themselves, for a role several
   * functions share (the BFF's: the session key's policy names it). Its
   * policy is the caller's to attach; without it SST makes a role per function.
   */
  readonly role?: $util.Input<string>;
}

/** What a call site adds to a function: its configuration, links and URL. Everything else comes from the declaration. */
export type FunctionExtras = Pick<sst.aws.FunctionArgs, "environment" | "link" | "url">;

/** How many functions of the declaration run as each role. */
function functionsOfRole(role: string): number {
  return Object.values(functions).filter((spec) => spec.role === role).length;
}

/**
 * SST function arguments for a function of the shared declaration
 * (`@spa-bff/core/infra`): its entry, memory, timeout and VPC placement as
 * declared, the project's defaults (runtime, bundling, log retention per
 * stage), and a role trusted by Lambda only that may do exactly what
 * `roleGrants` declares for it (plus the relay to the laptop under
 * `sst dev`). SST's own policy for the role is replaced, so `link` can carry
 * values (client secrets) without granting anything.
 */
export function functionArgs(id: FunctionId, placement: FunctionPlacement, extras: FunctionExtras = {}): sst.aws.FunctionArgs {
  const spec = functions[id];
  if (spec.vpc && !placement.network) throw new Error(`${spec.name} runs in the VPC (declaration), but no network was given.`);
  const shared = functionsOfRole(spec.role) > 1;
  if (shared && placement.role === undefined) {
    throw new Error(
      `The role "${spec.role}" of ${spec.name} is shared by several functions: create it once and pass it as placement.role.`,
    );
  }
  const declared = {
    runtime: lambdaRuntime,
    nodejs: lambdaBundle,
    logging: { retention: logRetention() },
    handler: handlerOf(spec),
    memory: `${spec.memoryMb} MB`,
    timeout: `${spec.timeoutSeconds} seconds`,
    ...(spec.vpc && placement.network ? { vpc: placement.network.vpc } : {}),
  } satisfies sst.aws.FunctionArgs;
  if (placement.role !== undefined) return { ...extras, ...declared, role: placement.role };

  const statements = [...statementsFor(roleGrants[spec.role], placement.targets), ...devRelayGrants()];
  return {
    ...extras,
    ...declared,
    transform: {
      role: (role) => {
        role.assumeRolePolicy = lambdaTrustPolicy;
        role.inlinePolicies = statements.length > 0 ? [{ name: "inline", policy: policyDocument(statements) }] : [];
      },
    },
  };
}
