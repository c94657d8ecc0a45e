/**
 * Dangerous edits of the stacks, each one a plausible slip in a review,
 * each named by the property it breaks and by the checks of
 * `npm run check:infra` (test/infra/checks) that must catch it. A mutation
 * replaces one exact piece of text, which must occur exactly once in its
 * file: when the stacks change under it, the mutation fails loudly instead
 * of testing nothing.
 */
export interface Mutation {
  id: string;
  /** What would be wrong in AWS. */
  breaks: string;
  file: string;
  find: string;
  replace: string;
  /** Check ids; at least one must fail on the mutant. */
  caughtBy: string[];
}

export const mutations: Mutation[] = [
  {
    id: "api-regional",
    breaks: "the items API is reachable from the internet (a REGIONAL endpoint) instead of only through the VPC endpoint",
    file: "stacks/api.ts",
    find: 'endpoint: { type: "private", vpcEndpointIds: [sourceVpce] },',
    replace: 'endpoint: { type: "regional" },',
    caughtBy: ["api.private"],
  },
  {
    id: "api-sourcevpce-deny-removed",
    breaks: "any VPC endpoint in any account may call the private API (the aws:SourceVpce deny is gone)",
    file: "stacks/api.ts",
    find: `            {
              Effect: "Deny",
              Principal: "*",
              Action: "execute-api:Invoke",
              Resource: "execute-api:/*",
              Condition: { StringNotEquals: { "aws:SourceVpce": sourceVpce } },
            },
`,
    replace: "",
    caughtBy: ["api.private"],
  },
  {
    id: "api-route-without-authorizer",
    breaks: "the API's routes run without the JWT authorizer",
    file: "stacks/api.ts",
    find: "{ auth: { custom: authorizer.id } }",
    replace: "{}",
    caughtBy: ["api.authorizer"],
  },
  {
    id: "items-dynamodb-wildcard",
    breaks: "the items function may do anything to DynamoDB (dynamodb:*), e.g. delete its table",
    file: "stacks/api.ts",
    find: 'actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"]',
    replace: 'actions: ["dynamodb:*"]',
    caughtBy: ["api.items-grants", "iam.no-wildcard-data-actions"],
  },
  {
    id: "bff-dynamodb-wildcard",
    breaks: "the BFF may do anything to its sessions and attempts tables (dynamodb:*)",
    file: "stacks/bff.ts",
    find: 'const itemActions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];',
    replace: 'const itemActions = ["dynamodb:*"];',
    caughtBy: ["bff.dynamodb-grants", "iam.no-wildcard-data-actions"],
  },
  {
    id: "bff-kms-any-key",
    breaks: "the BFF's role may use every KMS key of the account (Resource *), not only the session key",
    file: "stacks/bff.ts",
    find: "resources: [key.arn],",
    replace: 'resources: ["*"],',
    caughtBy: ["bff.kms-grants"],
  },
  {
    id: "bff-kms-without-context",
    breaks: "the BFF's role may use the session key without the bff-session encryption context",
    file: "stacks/bff.ts",
    find: 'conditions: { StringEquals: { "kms:EncryptionContext:purpose": sessionEncryptionContext.purpose } },',
    replace: "",
    caughtBy: ["bff.kms-grants"],
  },
  {
    id: "key-admin-create-wildcard",
    breaks: "key administrators may kms:CreateGrant (inside kms:Create*) and so grant themselves Decrypt",
    file: "stacks/bff.ts",
    find: '  "kms:DescribeKey",\n',
    replace: '  "kms:Create*",\n  "kms:DescribeKey",\n',
    caughtBy: ["bff.key-administration"],
  },
  {
    id: "key-deny-toothless",
    breaks: "principals other than the BFF may use the session key if IAM or a grant lets them (the key policy's deny covers nothing)",
    file: "stacks/bff.ts",
    find: "Action: keyUseActions,",
    replace: 'Action: ["kms:DescribeKey"],',
    caughtBy: ["bff.key-deny"],
  },
  {
    id: "key-not-retained",
    breaks: "removing production deletes the session key, and every sealed session with it",
    file: "stacks/bff.ts",
    find: "{ retainOnDelete: production },",
    replace: "{},",
    caughtBy: ["bff.key-retained"],
  },
  {
    id: "sessions-ttl-off",
    breaks: "expired sessions are never swept from the table (TTL off)",
    file: "stacks/bff.ts",
    find: "ttl: sessionsTable.ttl,",
    replace: "",
    caughtBy: ["bff.sessions-table"],
  },
  {
    id: "sessions-pitr-off",
    breaks: "the sessions table cannot be restored to a point in time",
    file: "stacks/bff.ts",
    find: "args.pointInTimeRecovery = { enabled: true };",
    replace: "args.pointInTimeRecovery = { enabled: false };",
    caughtBy: ["bff.sessions-table"],
  },
  {
    id: "bff-out-of-vpc",
    breaks: "the BFF's functions run outside the VPC, where the private API is unreachable",
    file: "stacks/bff.ts",
    find: "vpc: network.vpc,",
    replace: "",
    caughtBy: ["network.functions-in-vpc"],
  },
  {
    id: "function-url-cors",
    breaks: "Lambda answers CORS for any origin on the BFF's function URLs (SST's default)",
    file: "stacks/bff.ts",
    find: "cors: false, ",
    replace: "",
    caughtBy: ["bff.origin-access"],
  },
  {
    id: "oac-off",
    breaks: "CloudFront no longer signs requests to the BFF (no origin access control)",
    file: "stacks/web.ts",
    find: 'protection: "oac",',
    replace: 'protection: "none",',
    caughtBy: ["bff.origin-access"],
  },
  {
    id: "endpoint-open-to-world",
    breaks: "the execute-api endpoint's security group accepts HTTPS from anywhere",
    file: "stacks/network.ts",
    find: 'ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [vpc.nodes.vpc.cidrBlock] }],',
    replace: 'ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],',
    caughtBy: ["network.endpoint-ingress"],
  },
  {
    id: "nat-open-to-world",
    breaks: "the NAT instances (one is the bastion) accept every port from the internet",
    file: "stacks/network.ts",
    find: 'protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"]',
    replace: 'protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"]',
    caughtBy: ["network.nat-ingress"],
  },
  {
    id: "upload-prefix-widened",
    breaks: "a user's federated credentials reach every user's uploads, not only their own prefix",
    file: "stacks/files.ts",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text to find is a template literal in stacks/files.ts
    find: "Resource: `${bucketArn}/${uploadsPrefix}/${sub}/*`,",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the replacement is TypeScript source too
    replace: "Resource: `${bucketArn}/${uploadsPrefix}/*`,",
    caughtBy: ["files.own-prefix"],
  },
  {
    id: "files-bucket-public-policy",
    breaks: "a public bucket policy on the files bucket would take effect",
    file: "stacks/files.ts",
    find: "args.blockPublicPolicy = true;",
    replace: "args.blockPublicPolicy = false;",
    caughtBy: ["files.bucket-private"],
  },
  {
    id: "function-roles-trust-root",
    breaks:
      "every SST-made function role trusts the account root again (SST 4.17.1's default): anyone allowed sts:AssumeRole becomes the function",
    file: "stacks/functions.ts",
    find: "role.assumeRolePolicy = lambdaTrustPolicy;",
    replace: "",
    caughtBy: ["safety.no-account-trust", "safety.function-trust"],
  },
  {
    id: "pool-not-retained",
    breaks: "removing production deletes the user pool and every user in it",
    file: "stacks/auth.ts",
    find: "opts.retainOnDelete = production;",
    replace: "",
    caughtBy: ["auth.pool-retained"],
  },
  {
    id: "production-accepts-localhost",
    breaks: "production's web client accepts http://localhost callbacks, so a local process can receive its authorization codes",
    file: "stacks/stage.ts",
    find: "return isProduction() ? [] : [localOrigin, devServerOrigin];",
    replace: "return [localOrigin, devServerOrigin];",
    caughtBy: ["auth.web-client"],
  },
  {
    id: "short-production-logs",
    breaks: "production's logs (functions and API access) are gone after two weeks",
    file: "stacks/stage.ts",
    find: 'return isProduction() ? "1 year" : "2 weeks";',
    replace: 'return "2 weeks";',
    caughtBy: ["safety.log-retention", "api.access-logs"],
  },
  {
    id: "dev-relay-wildcard",
    breaks: "under sst dev every function may call any AppSync API action on any resource",
    file: "stacks/iam.ts",
    find: '{ sid: "DevRelayConnect", actions: ["appsync:EventConnect"], resources: [apis] },',
    replace: '{ sid: "DevRelayConnect", actions: ["appsync:*"], resources: ["*"] },',
    caughtBy: ["dev.relay-grants"],
  },
  {
    id: "dev-relay-missing-on-bff-role",
    breaks: "under sst dev the BFF's functions cannot relay to the laptop, and every request times out",
    file: "stacks/bff.ts",
    find: "if (relay.length > 0) new aws.iam.RolePolicy(",
    replace: "if (relay.length < 0) new aws.iam.RolePolicy(",
    caughtBy: ["dev.relay-grants"],
  },
  {
    id: "dev-api-private-dns-name",
    breaks:
      "under sst dev the functions call the API by a name that resolves to public API Gateway from a laptop, which refuses private APIs",
    file: "stacks/api.ts",
    find: "const callerUrl = $dev ? endpointAliasUrl(api.nodes.api.id, sourceVpce, $app.stage) : api.url;",
    replace: "const callerUrl = api.url;",
    caughtBy: ["dev.api-host"],
  },
  {
    id: "dev-app-origin-cloudfront",
    breaks: "under sst dev the BFF expects the CloudFront origin, so the dev server's logins and API calls fail the Origin check",
    file: "stacks/bff.ts",
    find: "$dev ? $output(devServerOrigin) : ",
    replace: "",
    caughtBy: ["dev.app-origin"],
  },
  {
    id: "dev-spa-without-proxy-target",
    breaks: "under sst dev Vite does not know the Router, so /auth, /api and /files answer 404 on the dev server",
    file: "stacks/web.ts",
    find: "...($dev ? { environment: { [devProxyTargetVariable]: router.url } } : {}),",
    replace: "",
    caughtBy: ["dev.spa"],
  },
];
