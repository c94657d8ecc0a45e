import { createDefineAuthChallenge } from "../define/define-auth-challenge.ts";

/** Lambda entry of the Define Auth Challenge trigger. */
export const handler = createDefineAuthChallenge();
