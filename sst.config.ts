/// <reference path="./.sst/platform/config.d.ts" />

// Pinned: test/infra/harness re-creates CLI internals of this exact version.
const sstVersion = "4.17.1";

export default $config({
  app(input) {
    const production = ["production", "prod"].includes(input?.stage ?? "");
    return {
      name: "spa-bff",
      version: sstVersion,
      // Production keeps its tables, VPC and buckets on `sst remove` and refuses to be removed at all.
      removal: production ? "retain" : "remove",
      protect: production,
      home: "aws",
      providers: { aws: { version: "7.20.0" } },
    };
  },
  async run() {
    const { deployStage } = await import("./stacks/index.ts");
    return deployStage();
  },
});
