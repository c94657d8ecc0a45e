/**
 * Stage policy in one place. `production` (and its short form `prod`, the
 * name the deploy guide uses) retains data and protects resources; every
 * other stage is disposable and may call back to the local platform.
 */
export const productionStages = ["production", "prod"] as const;

/** True for a stage whose data must survive `sst remove`. */
export function isProductionStage(stage: string): boolean {
  return (productionStages as readonly string[]).includes(stage);
}

/** The local platform's edge (packages/local); dev stages accept it as a callback origin. */
export const localOrigin = "http://localhost:3000";

/** Application name, also the KMS encryption context `app` value. */
export const appName = "spa-bff";

/** Tags every stack adds where a component does not tag by itself. */
export function isProduction(): boolean {
  return isProductionStage($app.stage);
}
