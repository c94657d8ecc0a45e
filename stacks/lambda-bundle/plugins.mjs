// esbuild plugins for every Lambda bundle, loaded by `npm run build` and by
// SST's deploy build (`nodejs.plugins` in stacks/). Plain ESM because SST
// imports this file with node directly.
import { fileURLToPath } from "node:url";

const credentialShim = fileURLToPath(new URL("./credential-provider.ts", import.meta.url));

/**
 * Replaces the AWS SDK's default credential chain with the environment
 * provider (see credential-provider.ts for why).
 * The filter is `.*` on purpose: SST 4's plugin bridge tests the filter
 * against an undefined path, so a narrower filter would never fire there.
 * @type {import("esbuild").Plugin}
 */
const lambdaCredentials = {
  name: "lambda-credentials",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => (args.path === "@aws-sdk/credential-provider-node" ? { path: credentialShim } : undefined));
  },
};

export default [lambdaCredentials];
