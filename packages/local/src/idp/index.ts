export type { DemoUser } from "./demo-users.ts";
export { defaultDemoUsers } from "./demo-users.ts";
export type { IdpKeys, SigningJwk } from "./idp-keys.ts";
export { loadOrCreateIdpKeys } from "./idp-keys.ts";
export type { IdpClients, M2mClientOptions, WebClientOptions } from "./provider-config.ts";
export { itemsResource, itemsScopes } from "./provider-config.ts";
export type { LocalIdp, StartIdpOptions } from "./start-idp.ts";
export { startIdp } from "./start-idp.ts";
