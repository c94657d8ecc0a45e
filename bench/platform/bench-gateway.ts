import { createApiHandler, loadApiConfig } from "@spa-bff/api";
import { createAuthorizerHandler, loadAuthorizerConfig, routeRules } from "@spa-bff/authorizer";
import { inProcess, startGateway } from "@spa-bff/local";

export interface BenchGateway {
  /** The API's base URL with its stage (`…/local`). */
  url: string;
  stop(): Promise<void>;
}

/**
 * The local gateway with the authorizer and the items API as plain handlers on
 * its own event loop (no instance pools), trusting `issuer`, on the platform's
 * dynalite. The BFF's runs and Apache's runs each get one, so both proxies
 * call the same kind of upstream in the same run.
 */
export async function startBenchGateway(options: {
  issuer: string;
  clientIds: string;
  itemsTable: string;
  dynamoEndpoint: string;
}): Promise<BenchGateway> {
  const authorizer = createAuthorizerHandler(loadAuthorizerConfig({ JWT_ISSUER: options.issuer, JWT_CLIENT_IDS: options.clientIds }));
  const api = createApiHandler(loadApiConfig({ ITEMS_TABLE: options.itemsTable, DYNAMODB_ENDPOINT: options.dynamoEndpoint }));
  const gateway = await startGateway({
    port: 0,
    stage: "local",
    routes: routeRules.map(({ method, resource }) => ({ method, resource })),
    cacheTtlSeconds: 300,
    authorizer: inProcess(authorizer),
    integration: inProcess(api),
  });
  return { url: gateway.url, stop: () => gateway.stop() };
}
