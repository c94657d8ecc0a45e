export type { ArnResolver, LocalResources } from "./arns.ts";
export { dynamoTableArn, localArnResolver, s3Arn } from "./arns.ts";
export type { DynamoIamProxyOptions } from "./dynamo-iam-proxy.ts";
export { createDynamoIamProxy } from "./dynamo-iam-proxy.ts";
export type { DynamoArns, DynamoRequirement } from "./dynamo-operations.ts";
export { dynamoRequirements } from "./dynamo-operations.ts";
export type {
  Authentication,
  AuthenticationFailure,
  AuthorizationContext,
  Decision,
  LocalIam,
  LocalIamOptions,
  Principal,
  SessionCredentials,
  WebIdentityCredentials,
} from "./local-iam.ts";
export { createLocalIam, localAdminCredentials } from "./local-iam.ts";
export type { LocalSts, LocalStsOptions } from "./local-sts.ts";
export { createStsHandler, startLocalSts } from "./local-sts.ts";
export type { GrantRequest } from "./policy-evaluation.ts";
export { grantsAllow } from "./policy-evaluation.ts";
export type { S3Refusal } from "./s3-iam-check.ts";
export { checkS3Request } from "./s3-iam-check.ts";
export type { S3Requirement } from "./s3-operations.ts";
export { s3Requirements } from "./s3-operations.ts";
