import { loadLambdaConfig } from "./lambda-config.ts";
import { createRoutedHandler } from "./routed-handler.ts";
import { fileRoutes } from "./routes/file-routes.ts";

/** The BFF function behind CloudFront's `/files` paths: only this route group is in its bundle. */
export const handler = createRoutedHandler(loadLambdaConfig(), {}, [fileRoutes]);
