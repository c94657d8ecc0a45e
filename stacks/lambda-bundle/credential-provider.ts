/**
 * Stands in for `@aws-sdk/credential-provider-node` inside Lambda bundles.
 * Lambda always hands the execution role's credentials to the function in
 * environment variables (and `sst dev` does the same for live functions), so
 * the default chain's SSO, ini-file, process, IMDS and STS providers (about
 * 100 KB with their nested clients) are dead weight on every cold start.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";

export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
