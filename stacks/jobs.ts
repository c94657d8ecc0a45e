import type { Api } from "./api.ts";
import { type Auth, itemsScopes } from "./auth.ts";
import { lambdaArgs } from "./functions.ts";
import type { Network } from "./network.ts";

/**
 * The scheduled M2M job: client_credentials against Cognito, then the
 * private API, from the VPC's private subnets (the API has no other way in).
 * Its role allows nothing: the token endpoint and the API authenticate by
 * the client's secret and the token, not by IAM.
 */
export function createJobs(network: Network, auth: Auth, api: Api): sst.aws.Cron {
  return new sst.aws.Cron("M2mJob", {
    schedule: "rate(1 hour)",
    function: lambdaArgs({
      handler: "packages/m2m/src/lambda.handler",
      memory: "256 MB",
      timeout: "30 seconds",
      vpc: network.vpc,
      // The secret arrives as a link (`Resource.M2mClient.secret`), never in code or env.
      link: [auth.m2mClient],
      environment: {
        OIDC_ISSUER: auth.issuer,
        M2M_CLIENT_ID: auth.m2mClient.id,
        M2M_SCOPES: itemsScopes.read,
        API_BASE_URL: api.callerUrl,
        LOG_LEVEL: "INFO",
      },
    }),
  });
}
