/**
 * IAM in one shape: every role's permissions are a list of statements (from
 * the declaration's grants, resolved in grants.ts), turned into a policy
 * document here.
 */

/** One permission: these actions, on these resources, under these conditions. */
export interface PolicyStatement {
  sid?: string;
  actions: string[];
  resources: $util.Input<string>[];
  /** IAM condition block, e.g. `{ StringEquals: { "kms:EncryptionContext:purpose": "bff-session" } }`. */
  conditions?: Record<string, Record<string, $util.Input<string | string[]>>>;
}

/** An IAM policy document (JSON) allowing exactly the grants. */
export function policyDocument(grants: readonly PolicyStatement[]): $util.Output<string> {
  return $jsonStringify({
    Version: "2012-10-17",
    Statement: grants.map((grant) => ({
      ...(grant.sid ? { Sid: grant.sid } : {}),
      Effect: "Allow",
      Action: grant.actions,
      Resource: grant.resources,
      ...(grant.conditions ? { Condition: grant.conditions } : {}),
    })),
  });
}

/**
 * Trust policy of every function role: Lambda only. SST 4.17.1's own
 * function roles also trust the account root (`!dev` on an Output in
 * function.ts is always false), which lets any principal of the account
 * allowed `sts:AssumeRole` become the function.
 */
export const lambdaTrustPolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * The channel namespace SST's CLI creates on its AppSync Events API (named
 * "sst", one per account and region; pkg/project/provider/aws.go).
 */
export const devRelayChannelNamespace = "sst";

/**
 * What a function's stand-in needs under `sst dev` to relay invocations to
 * the developer's machine: connect to the account's AppSync Events API and
 * publish/subscribe on the CLI's channel namespace (the bridge in
 * platform/functions/bridge signs with the function's role). Empty outside
 * `sst dev`.
 *
 * Narrower than SST's own dev statements (`appsync:*` on `*`, plus `s3:*`
 * on the asset bucket): three data-plane actions instead of every AppSync
 * control-plane call, and no S3 at all, since the 4.17.1 bridge reads
 * `SST_ASSET_BUCKET` but never uses it. The API's id is created by the CLI and
 * unknown here, so the resource is "any Events API of this account and
 * region", on the `sst` namespace only.
 */
export function devRelayGrants(): PolicyStatement[] {
  if (!$dev) return [];
  const partition = aws.getPartitionOutput().partition;
  const region = aws.getRegionOutput().region;
  const accountId = aws.getCallerIdentityOutput().accountId;
  const apis = $interpolate`arn:${partition}:appsync:${region}:${accountId}:apis/*`;
  return [
    { sid: "DevRelayConnect", actions: ["appsync:EventConnect"], resources: [apis] },
    {
      sid: "DevRelayChannels",
      actions: ["appsync:EventPublish", "appsync:EventSubscribe"],
      resources: [$interpolate`${apis}/channelNamespace/${devRelayChannelNamespace}`],
    },
  ];
}
