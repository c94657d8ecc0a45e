import { loadLambdaConfig } from "./lambda-config.ts";
import { createRoutedHandler } from "./routed-handler.ts";
import { apiRoutes } from "./routes/api-routes.ts";

/** The BFF function behind CloudFront's `/api` paths: only this route group is in its bundle. */
export const handler = createRoutedHandler(loadLambdaConfig(), {}, [apiRoutes]);
