/**
 * Test support: the server half of Cognito's SRP. One copy, kept with the
 * local Cognito stand-in (which signs users in with it) and re-exported here
 * for the BFF's own tests.
 */
export type { SrpChallengeState, SrpServer } from "@spa-bff/local/cognito-srp";
export { createSrpServer, SRP_N } from "@spa-bff/local/cognito-srp";
