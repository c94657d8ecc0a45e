export type {
  ArnResolver,
  Decision,
  LocalIam,
  LocalIamOptions,
  LocalResources,
  LocalSts,
  LocalStsOptions,
  Principal,
  SessionCredentials,
  WebIdentityCredentials,
} from "./aws/index.ts";
export { createLocalIam, createStsHandler, grantsAllow, localAdminCredentials, localArnResolver, startLocalSts } from "./aws/index.ts";
export type {
  CognitoClientSettings,
  CognitoCounters,
  CognitoIamOptions,
  CognitoTriggers,
  ExplicitAuthFlow,
  InvokeTrigger,
  LocalCognito,
  LocalCognitoOptions,
  TriggerEventMap,
  TriggerName,
} from "./cognito/index.ts";
export { createAuthChallengeTriggers, createInProcessTriggers, createLocalCognito } from "./cognito/index.ts";
export { ensureTables, startDynamo } from "./dynamo/index.ts";
export type { EdgeFunction, EdgeOptions, RunningEdge } from "./edge/index.ts";
export { startEdge } from "./edge/index.ts";
export { startGateway } from "./gateway/index.ts";
export type { DemoUser, IdpCognitoOptions, LocalIdp } from "./idp/index.ts";
export { defaultDemoUsers, startIdp } from "./idp/index.ts";
export type {
  FunctionPool,
  InstanceMemory,
  Invoke,
  InvokeResult,
  LocalFunctionLimits,
  LocalFunctions,
  PoolEvent,
  PoolStats,
} from "./lambda/index.ts";
export { createFunctionPool, formatPoolEvent, inProcess, startLocalFunctions } from "./lambda/index.ts";
export type { LocalClients, Platform, PlatformOptions, PlatformPorts } from "./platform.ts";
export { defaultPorts, repoRoot, startPlatform } from "./platform.ts";
export type { LocalS3, SignedRequest, StartS3Options, VerifyResult } from "./s3/index.ts";
export { corsConfiguration, localS3Credentials, startS3, verifySigV4 } from "./s3/index.ts";
