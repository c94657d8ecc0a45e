import { loadLambdaConfig } from "./lambda-config.ts";
import { createRoutedHandler } from "./routed-handler.ts";
import { authRoutes } from "./routes/auth-routes.ts";

/** The BFF function behind CloudFront's `/auth` paths: only this route group is in its bundle. */
export const handler = createRoutedHandler(loadLambdaConfig(), {}, [authRoutes]);
