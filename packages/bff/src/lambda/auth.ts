import { authGroup } from "../app/auth-group.ts";
import { createBffFunction } from "../app/bff-function.ts";
import { lambdaEnv } from "../app/lambda-env.ts";
import { loadBffConfig } from "../config.ts";

/** The BFF function behind CloudFront's `/auth` paths; its config is validated here, once, at cold start. */
export const handler = createBffFunction(loadBffConfig(lambdaEnv()), [authGroup]);
