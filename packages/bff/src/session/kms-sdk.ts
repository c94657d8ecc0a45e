// Named re-exports so that a dynamic import of this module lets esbuild
// tree-shake the KMS client; `import("@aws-sdk/client-kms")` would bundle
// every command of the service.
export { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
