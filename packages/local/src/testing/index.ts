export type { Answer, BrowserOptions, BrowserRequest } from "./browser.ts";
export { Browser, formAction } from "./browser.ts";
export type { TestDynamo } from "./dynamo.ts";
export { startTestDynamo } from "./dynamo.ts";
export type { TestPlatform, TestPlatformOptions } from "./platform.ts";
export { startTestPlatform } from "./platform.ts";
export type { RecordingUpstream, UpstreamRequest } from "./recording-upstream.ts";
export { binaryPayload, startRecordingUpstream } from "./recording-upstream.ts";
