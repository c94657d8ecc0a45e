import { backchannelGroup } from "../app/backchannel-group.ts";
import { createBffFunction } from "../app/bff-function.ts";
import { lambdaEnv } from "../app/lambda-env.ts";
import { loadBffConfig } from "../config.ts";

/** The back-channel logout receiver, on its own public function URL (see app/backchannel-group.ts); config validated at cold start. */
export const handler = createBffFunction(loadBffConfig(lambdaEnv()), [backchannelGroup]);
