import { createVerifyAuthChallenge } from "../verify/verify-auth-challenge.ts";

/** Lambda entry of the Verify Auth Challenge Response trigger. */
export const handler = createVerifyAuthChallenge();
