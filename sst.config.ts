/// <reference path="./.sst/platform/config.d.ts" />

// Pinned: test/infra/harness re-creates CLI internals of this exact version.
const sstVersion = "4.17.1";

export default $config({
  async app(input) {
    // Dynamic: the CLI refuses top-level imports here (it evaluates app() before the platform's globals exist).
    const { appName, stageAppConfig } = await import("./stacks/stage.ts");
    return {
      name: appName,
      version: sstVersion,
      ...stageAppConfig(input?.stage ?? ""),
      home: "aws",
      providers: { aws: { version: "7.20.0" } },
    };
  },
  async run() {
    const { deployStage } = await import("./stacks/index.ts");
    return deployStage();
  },
});
