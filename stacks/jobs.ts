import { functions, m2mClient } from "@spa-bff/core/infra";
import type { Api } from "./api.ts";
import type { Auth } from "./auth.ts";
import { functionArgs } from "./functions.ts";
import type { GrantTargets } from "./grants.ts";
import type { Network } from "./network.ts";

/**
 * The scheduled M2M job: client_credentials against Cognito, then the
 * private API, from the VPC's private subnets (the API has no other way in).
 * Its role allows nothing (the declaration grants it nothing): the token
 * endpoint and the API authenticate by the client's secret and the token,
 * not by IAM.
 */
export function createJobs(network: Network, auth: Auth, api: Api, targets: GrantTargets): sst.aws.Cron {
  return new sst.aws.Cron(functions.m2mJob.name, {
    schedule: "rate(1 hour)",
    function: functionArgs(
      "m2mJob",
      { targets, network },
      {
        // The secret arrives as a link (`Resource.M2mClient.secret`), never in code or env.
        link: [auth.m2mClient],
        environment: {
          OIDC_ISSUER: auth.issuer,
          M2M_CLIENT_ID: auth.m2mClient.id,
          M2M_SCOPES: m2mClient.scopes.join(" "),
          API_BASE_URL: api.callerUrl,
          LOG_LEVEL: "INFO",
        },
      },
    ),
  });
}
