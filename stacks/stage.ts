/**
 * Stage policy in one place, read by `sst.config.ts`'s `app()` and by the
 * stacks. `app()` loads this file with a dynamic import before the platform
 * exists (the CLI evaluates it without `$app`, `aws` or `sst`), so nothing
 * here may touch those globals when the module loads, only inside functions.
 */

/** Application name: the SST app, and the KMS encryption context's `app` value. */
export const appName = "spa-bff";

/**
 * Production stages (`prod` is the short form the deploy guide uses): they
 * retain data, protect resources, and never run `sst dev`. Every other stage
 * is disposable.
 */
export const productionStages = ["production", "prod"] as const;

/** True for a stage whose data must survive `sst remove`. */
export function isProductionStage(stage: string): boolean {
  return (productionStages as readonly string[]).includes(stage);
}

/** What `app()` returns besides the name: removal and protection follow the stage. */
export function stageAppConfig(stage: string): { removal: "retain" | "remove"; protect: boolean } {
  const production = isProductionStage(stage);
  // Production keeps its tables, VPC and buckets on `sst remove` and refuses to be removed at all.
  return { removal: production ? "retain" : "remove", protect: production };
}

/** True while deploying a production stage. */
export function isProduction(): boolean {
  return isProductionStage($app.stage);
}

/** The local platform's edge (`npm start`, packages/local). */
export const localOrigin = "http://localhost:3000";

/**
 * Vite's dev server, the one URL a developer opens under `sst dev`
 * (web/vite.config.ts pins the port, so this origin stays a valid callback).
 */
export const devServerOrigin = "http://localhost:5173";

/**
 * Loopback origins a non-production stage also accepts (Cognito callback
 * and logout URLs, the files bucket's CORS): the local platform's edge and
 * the Vite dev server of `sst dev`. Production accepts its own origin only.
 */
export function loopbackOrigins(): string[] {
  return isProduction() ? [] : [localOrigin, devServerOrigin];
}

/** CloudWatch retention of every log group of the stage (functions and the API's access log). */
export function logRetention(): "1 year" | "2 weeks" {
  return isProduction() ? "1 year" : "2 weeks";
}

/**
 * `sst dev` replaces every function of the stage with a stub that relays
 * invocations to a laptop. Never on production.
 */
export function assertDevModeAllowed(): void {
  if ($dev && isProduction()) {
    throw new Error(`sst dev runs the functions of stage "${$app.stage}" on your machine; it is refused on production stages.`);
  }
}
