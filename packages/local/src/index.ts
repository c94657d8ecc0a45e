export { defaultPorts, repoRoot, startPlatform } from "./platform.ts";
export type { LocalClients, Platform, PlatformOptions, PlatformPorts } from "./platform.ts";
export { ensureTables, startDynamo } from "./dynamo/index.ts";
export { startEdge } from "./edge/index.ts";
export { startGateway } from "./gateway/index.ts";
export { defaultDemoUsers, startIdp } from "./idp/index.ts";
export type { DemoUser } from "./idp/index.ts";
export { corsConfiguration, localS3Credentials, startS3, verifySigV4 } from "./s3/index.ts";
export type { LocalS3, SignedRequest, StartS3Options, VerifyResult } from "./s3/index.ts";
