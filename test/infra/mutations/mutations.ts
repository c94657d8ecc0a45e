/**
 * Dangerous edits of the stacks and of the shared declaration they deploy
 * (`packages/core/src/deployment/*.ts`, `tables.ts`), each one a plausible
 * slip in a review, each named by the property it breaks and by the checks
 * of `npm run check:infra` (test/infra/checks) that must catch it. A
 * mutation replaces one exact piece of text, which must occur exactly once
 * in its file: when the code changes under it, the mutation fails loudly
 * instead of testing nothing.
 */
export interface Mutation {
  id: string;
  /** What would be wrong in AWS. */
  breaks: string;
  /** `stacks/…`, `sst.config.ts`, or a declaration file (the copy then gets its own packages). */
  file: string;
  find: string;
  replace: string;
  /** Check ids; at least one must fail on the mutant (with `refusedWith`: the checks whose runs include the refused one). */
  caughtBy: string[];
  /**
   * The deploy itself refuses the mutant, with an error containing this
   * text (a guard in the stacks, such as the second-factor guard), instead
   * of a check failing on what it declares.
   */
  refusedWith?: string;
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
    breaks: "the items function may do anything to DynamoDB (dynamodb:*), e.g. delete its table (a slip in the declaration)",
    file: "packages/core/src/deployment/grants.ts",
    find: '"dynamodb:Scan"',
    replace: '"dynamodb:*"',
    caughtBy: ["api.items-grants", "iam.no-wildcard-data-actions"],
  },
  {
    id: "bff-dynamodb-wildcard",
    breaks: "the BFF may do anything to its sessions table (dynamodb:*; a slip in the declaration)",
    file: "packages/core/src/deployment/grants.ts",
    find: '"dynamodb:DeleteItem", "dynamodb:Query"]',
    replace: '"dynamodb:DeleteItem", "dynamodb:*"]',
    caughtBy: ["bff.dynamodb-grants", "iam.no-wildcard-data-actions"],
  },
  {
    id: "bff-index-grant",
    breaks: "the BFF's role reaches an index of the sessions table (the table has none; a grant on one is a leftover that widens the role)",
    file: "packages/core/src/deployment/grants.ts",
    find: '    { actions: ["kms:GenerateDataKey", "kms:Decrypt"], resource: { key: "SessionKey" }',
    replace:
      '    { actions: ["dynamodb:Query"], resource: { index: ["Sessions", "bySub"] } },\n    { actions: ["kms:GenerateDataKey", "kms:Decrypt"], resource: { key: "SessionKey" }',
    caughtBy: ["bff.dynamodb-grants"],
  },
  {
    id: "bff-kms-any-key",
    breaks: "the BFF's role may use every KMS key of the account (Resource *), not only the session key",
    file: "stacks/bff.ts",
    find: 'targets.register({ key: "SessionKey" }, key.arn);',
    replace: 'targets.register({ key: "SessionKey" }, "*");',
    caughtBy: ["bff.kms-grants"],
  },
  {
    id: "bff-kms-without-context",
    breaks: "the BFF's role may use the session key without the bff-session encryption context (the stacks drop the declared condition)",
    file: "stacks/grants.ts",
    find: "    if (grant.encryptionContext) {",
    replace: "    if (grant.encryptionContext && grant.actions.length < 0) {",
    caughtBy: ["bff.kms-grants"],
  },
  {
    id: "bff-kms-other-context",
    breaks: "the session key answers any caller that claims another purpose (a slip in the declared encryption context)",
    file: "packages/core/src/deployment/grants.ts",
    find: 'encryptionContext: { purpose: "bff-session" } }',
    replace: 'encryptionContext: { purpose: "any" } }',
    caughtBy: ["bff.kms-grants", "bff.key-users"],
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
    find: "...(def.ttl ? { ttl: def.ttl } : {}),",
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
    breaks: "the BFF's auth function runs outside the VPC, where the private API is unreachable (a slip in the declaration)",
    file: "packages/core/src/deployment/functions.ts",
    find: 'timeoutSeconds: 15,\n    role: "bff",\n    vpc: true,',
    replace: 'timeoutSeconds: 15,\n    role: "bff",\n    vpc: false,',
    caughtBy: ["network.functions-in-vpc"],
  },
  {
    id: "functions-ignore-vpc",
    breaks: "the stacks place no function in the VPC, whatever the declaration says",
    file: "stacks/functions.ts",
    find: "...(spec.vpc && placement.network ? { vpc: placement.network.vpc } : {}),",
    replace: "",
    caughtBy: ["network.functions-in-vpc"],
  },
  {
    id: "function-url-cors",
    breaks: "Lambda answers CORS for any origin on the BFF's function URLs (SST's default when on)",
    file: "packages/core/src/deployment/edge.ts",
    find: "export const functionUrlCors = false;",
    replace: "export const functionUrlCors = true;",
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
    breaks: "a user's federated credentials reach every user's uploads, not only their own prefix (a slip in the declaration)",
    file: "packages/core/src/deployment/grants.ts",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text to find is a template literal in grants.ts
    find: 'resource: { objects: "Files", prefix: `${uploadsPrefix}/\\${sub}/` }',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the replacement is TypeScript source too
    replace: 'resource: { objects: "Files", prefix: `${uploadsPrefix}/` }',
    caughtBy: ["files.own-prefix"],
  },
  {
    id: "upload-sub-variable-wildcard",
    breaks: "the stacks turn the declaration's sub variable into a wildcard, so a user's credentials reach every user's uploads",
    file: "stacks/grants.ts",
    find: "value.split(subPlaceholder).join(variable)",
    replace: 'value.split(subPlaceholder).join("*")',
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
  {
    id: "branded-client-oauth-on",
    breaks: "a branded stage's web client may use OAuth on Cognito's hosted page, where a password alone signs in",
    file: "stacks/auth.ts",
    find: "args.allowedOauthFlowsUserPoolClient = oauthFlows.length > 0;",
    replace: "args.allowedOauthFlowsUserPoolClient = true;",
    caughtBy: ["second-factor.no-hosted-bypass"],
  },
  {
    id: "branded-client-callbacks",
    breaks: "a branded stage's web client keeps callback URLs, ready for a code flow",
    file: "stacks/auth.ts",
    find: "args.callbackUrls = oauthFlows.length > 0 ? ",
    replace: "args.callbackUrls = oauthFlows.length >= 0 ? ",
    caughtBy: ["second-factor.no-hosted-bypass"],
  },
  {
    id: "pre-token-v1",
    breaks: "the pre-token trigger gets the V1 event, which cannot add scopes: every branded /api call is refused",
    file: "stacks/auth.ts",
    find: 'preTokenGenerationVersion: "v2" as const,',
    replace: 'preTokenGenerationVersion: "v1" as const,',
    caughtBy: ["second-factor.pre-token"],
  },
  {
    id: "pool-lite-tier",
    breaks: "a branded pool stays on the Lite plan, which refuses the V2_0 pre-token trigger",
    file: "stacks/auth.ts",
    find: 'if (loginMode === "branded") args.userPoolTier = "ESSENTIALS";',
    replace: "",
    caughtBy: ["second-factor.pre-token"],
  },
  {
    id: "pre-token-read-only",
    breaks: "branded sign-ins get items/read only: every write through /api is refused (a slip in the declaration)",
    file: "packages/core/src/deployment/identity.ts",
    find: "export const brandedTokenScopes = [itemsScopes.read, itemsScopes.write] as const;",
    replace: "export const brandedTokenScopes = [itemsScopes.read] as const;",
    caughtBy: ["second-factor.pre-token"],
  },
  {
    id: "authorizer-cache-five-minutes",
    breaks: "an authorizer answer outlives the BFF's refresh skew, so a token first seen near its expiry keeps working after exp",
    file: "stacks/api.ts",
    find: "ttl: tokenTiming.authorizerCacheSeconds,",
    replace: "ttl: 300,",
    caughtBy: ["api.authorizer-cache-below-skew", "api.authorizer"],
  },
  {
    id: "authorizer-cache-over-skew",
    breaks: "the declared authorizer cache outlives the refresh skew (a slip in the declaration)",
    file: "packages/core/src/deployment/identity.ts",
    find: "authorizerCacheSeconds: 60,",
    replace: "authorizerCacheSeconds: 180,",
    caughtBy: ["api.authorizer-cache-below-skew"],
  },
  {
    id: "refresh-rotation-off",
    breaks: "Cognito keeps every refresh token valid after use: a stolen one works for its whole life",
    file: "stacks/auth.ts",
    find: 'feature: webClient.refreshTokenRotation.enabled ? "ENABLED" : "DISABLED",',
    replace: 'feature: "DISABLED",',
    caughtBy: ["auth.web-client-tokens"],
  },
  {
    id: "refresh-tokens-thirty-days",
    breaks: "refresh tokens live 30 days (Cognito's default) instead of a working day (a slip in the declaration)",
    file: "packages/core/src/deployment/identity.ts",
    find: "refreshTokenSeconds: 8 * 3600,",
    replace: "refreshTokenSeconds: 30 * 86_400,",
    caughtBy: ["auth.web-client-tokens"],
  },
  {
    id: "token-revocation-off",
    breaks: "logout cannot revoke the refresh token (a slip in the declaration)",
    file: "packages/core/src/deployment/identity.ts",
    find: "enableTokenRevocation: true,",
    replace: "enableTokenRevocation: false,",
    caughtBy: ["auth.web-client", "auth.web-client-tokens"],
  },
  {
    id: "m2m-write-scope",
    breaks: "the scheduled job's client may ask for items/write (a slip in the declaration)",
    file: "packages/core/src/deployment/identity.ts",
    find: "  scopes: [itemsScopes.read],\n",
    replace: "  scopes: [itemsScopes.read, itemsScopes.write],\n",
    caughtBy: ["auth.m2m-client"],
  },
  {
    id: "hash-key-in-env",
    breaks: "the identifier key sits in plain environment, readable by anyone allowed lambda:GetFunctionConfiguration",
    file: "stacks/bff.ts",
    find: "              REFRESH_SKEW_SECONDS: String(tokenTiming.refreshSkewSeconds),\n",
    replace:
      "              REFRESH_SKEW_SECONDS: String(tokenTiming.refreshSkewSeconds),\n              IDENTIFIER_HASH_KEY: identifierHashKey.properties.value,\n",
    caughtBy: ["auth.secrets-by-link"],
  },
  {
    id: "bff-role-reads-ssm",
    breaks: "the BFF's role may read every SSM parameter of the account, beyond the declaration's grants",
    file: "stacks/bff.ts",
    find: "policy: policyDocument(statementsFor(roleGrants.bff, targets)) });",
    replace: 'policy: policyDocument([...statementsFor(roleGrants.bff, targets), { actions: ["ssm:GetParameter"], resources: ["*"] }]) });',
    caughtBy: ["bff.operator-links", "iam.roles-as-declared"],
  },
  {
    id: "bff-role-scan-beyond-declaration",
    breaks:
      "the BFF's role may Scan its sessions table (every user's sessions), which the declaration (and so the local platform) does not grant",
    file: "stacks/bff.ts",
    find: "policy: policyDocument(statementsFor(roleGrants.bff, targets)) });",
    replace:
      'policy: policyDocument([...statementsFor(roleGrants.bff, targets), { actions: ["dynamodb:Scan"], resources: [table.arn] }]) });',
    caughtBy: ["bff.dynamodb-grants", "iam.roles-as-declared"],
  },
  {
    id: "grants-widened-beyond-declaration",
    breaks:
      "every role with a DynamoDB grant may also BatchWriteItem, which the declaration does not grant: the deployed roles and the local IAM disagree",
    file: "stacks/grants.ts",
    find: "      actions: [...grant.actions],",
    replace:
      '      actions: [...grant.actions, ...(grant.actions.some((a) => a.startsWith("dynamodb:")) ? ["dynamodb:BatchWriteItem"] : [])],',
    caughtBy: ["iam.roles-as-declared"],
  },
  {
    id: "operator-link-renamed",
    breaks: "the identifier key is linked under another name: `sst shell -- npm run sessions` finds no IdentifierHashKey.value",
    file: "stacks/secrets.ts",
    find: 'export const identifierHashKeyLink = "IdentifierHashKey";',
    replace: 'export const identifierHashKeyLink = "IdentifierKey";',
    caughtBy: ["bff.operator-links"],
  },
  {
    id: "sessions-index-added",
    breaks:
      "the sessions table gets an eventually consistent index again, which a revoke could miss a session through (a slip in the declaration)",
    file: "packages/core/src/tables.ts",
    find: '  primaryIndex: { hashKey: "pk", rangeKey: "sk" },\n  ttl: "ttl",',
    replace: '  primaryIndex: { hashKey: "pk", rangeKey: "sk" },\n  globalIndexes: { bySk: { hashKey: "sk" } },\n  ttl: "ttl",',
    caughtBy: ["bff.sessions-table"],
  },
  {
    id: "branded-client-code-flow",
    breaks: "a branded stage's web client allows the code flow on Cognito's hosted page, where a password alone signs in",
    file: "stacks/auth.ts",
    find: "args.allowedOauthFlows = [...oauthFlows];",
    replace: 'args.allowedOauthFlows = ["code"];',
    caughtBy: ["second-factor.no-hosted-bypass"],
    refusedWith: "the web client allows the OAuth flows code: Cognito's hosted page signs a user in with the password alone",
  },
  {
    id: "pre-token-trigger-removed",
    breaks:
      "a branded pool has no pre-token trigger: API sign-ins' access tokens carry no items scopes, and every branded /api call is refused",
    file: "stacks/auth.ts",
    find: '      ...(loginMode === "branded"\n        ? {',
    replace: "      ...(false\n        ? {",
    caughtBy: ["second-factor.pre-token"],
  },
  {
    id: "viewer-ip-site-only",
    breaks: "the BFF's paths skip the viewer-request function: x-viewer-ip is whatever the client sent",
    file: "stacks/web.ts",
    find: "            functionAssociations: behavior.functionAssociations,\n",
    replace: "",
    caughtBy: ["web.viewer-ip"],
  },
  {
    id: "headers-no-override",
    breaks: "CloudFront keeps the origin's security headers instead of the declared ones",
    file: "stacks/web.ts",
    find: "const override = policy.override;",
    replace: "const override = false;",
    caughtBy: ["web.headers-policy"],
  },
];
