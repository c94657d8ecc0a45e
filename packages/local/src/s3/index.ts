export { corsConfiguration } from "./cors-configuration.ts";
export type { SignedRequest, VerifyResult } from "./sigv4-verifier.ts";
export { verifySigV4 } from "./sigv4-verifier.ts";
export type { LocalS3, StartS3Options } from "./start-s3.ts";
export { localS3Credentials, startS3 } from "./start-s3.ts";
