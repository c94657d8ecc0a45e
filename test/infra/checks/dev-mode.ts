/**
 * `sst dev` (issue 17): the stage as the CLI deploys it for live
 * development. Functions become SST's bridge, which relays each invocation
 * over the CLI's AppSync Events API to the laptop; the SPA runs on Vite.
 */
import { expect } from "vitest";
import type { SynthResult } from "../harness/index.ts";
import { asList, envOf, lambda, lambdas, ofType, resource, roleOf, routerEntries, siteOrigin, statementsOf } from "./helpers.ts";
import { type Check, check } from "./types.ts";

/** The relay grants every function's role carries under `sst dev`, and only then. */
const relayStatements = [
  {
    Sid: "DevRelayConnect",
    Effect: "Allow",
    Action: ["appsync:EventConnect"],
    Resource: ["arn:aws:appsync:eu-west-1:123456789012:apis/*"],
  },
  {
    Sid: "DevRelayChannels",
    Effect: "Allow",
    Action: ["appsync:EventPublish", "appsync:EventSubscribe"],
    Resource: ["arn:aws:appsync:eu-west-1:123456789012:apis/*/channelNamespace/sst"],
  },
];

const appsyncStatements = (run: SynthResult, fnName: string) =>
  statementsOf(run, roleOf(run, resource(run.resources, "aws:lambda/function:Function", fnName))).filter((s) =>
    asList(s.Action).some((a) => a.startsWith("appsync:")),
  );

/** The endpoint-specific name of the private API for a run. */
function endpointAlias(run: SynthResult): string {
  const api = resource(run.resources, "aws:apigateway/restApi:RestApi", "ApiApi");
  const endpoint = resource(run.resources, "aws:ec2/vpcEndpoint:VpcEndpoint", "ExecuteApiEndpoint");
  return `https://${api.id}-${endpoint.id}.execute-api.eu-west-1.amazonaws.com/${run.stage}/`;
}

export const devModeChecks: Check[] = [
  check(
    "dev.live-functions",
    "under sst dev every function is a live target, deployed as SST's relay stub with the relay's settings",
    ["live"],
    ({ live }) => {
      const functions = lambdas(live);
      expect(functions).toHaveLength(9);
      expect([...live.devTargets].sort()).toEqual(functions.map((fn) => fn.name.replace(/Function$/, "")).sort());
      for (const fn of functions) {
        expect(fn.inputs, fn.name).toMatchObject({ runtime: "provided.al2023", handler: "bootstrap" });
        expect(envOf(fn), fn.name).toMatchObject({
          SST_APPSYNC_HTTP: "mock.appsync-api.eu-west-1.amazonaws.com",
          SST_APPSYNC_REALTIME: "mock.appsync-realtime-api.eu-west-1.amazonaws.com",
          SST_FUNCTION_ID: fn.name.replace(/Function$/, ""),
          SST_REGION: "eu-west-1",
        });
      }
    },
  ),

  check(
    "dev.relay-grants",
    "under sst dev every function's role (SST's and the BFF's own) may relay through the CLI's AppSync Events API, on its sst namespace only; no stage deployed otherwise has that grant",
    ["live", "dev", "production"],
    ({ live, dev, production }) => {
      for (const fn of lambdas(live)) expect(appsyncStatements(live, fn.name), fn.name).toEqual(relayStatements);
      for (const fn of lambdas(live)) {
        const role = roleOf(live, fn);
        // SST's own dev statements (s3:* on its asset bucket) stay out: the relay never uses the bucket.
        for (const statement of statementsOf(live, role)) {
          expect(JSON.stringify(statement.Resource ?? ""), role.name).not.toContain("sst-asset-mock");
          expect(asList(statement.Resource), role.name).not.toContain("*");
        }
      }
      for (const run of [dev, production]) for (const fn of lambdas(run)) expect(appsyncStatements(run, fn.name), fn.name).toEqual([]);
    },
  ),

  check(
    "dev.api-host",
    "under sst dev the functions call the private API by the endpoint's public alias, which resolves to its private addresses (routed by sst tunnel); deployed, by the API's own name",
    ["live", "dev"],
    ({ live, dev }) => {
      for (const name of ["BffAuth", "BffApi", "BffFiles", "M2mJobHandler"]) {
        expect(envOf(lambda(live, name)).API_BASE_URL, name).toBe(endpointAlias(live));
        expect(envOf(lambda(dev, name)).API_BASE_URL, name).toBe(dev.outputs.api);
      }
      expect(endpointAlias(live)).toMatch(/^https:\/\/[\w-]+-vpce-[\w]+\.execute-api\.eu-west-1\.amazonaws\.com\/alice\/$/);
    },
  ),

  check(
    "dev.spa",
    "under sst dev the SPA is not deployed: SST runs `npm run dev` (Vite) in web/, told the Router's URL to proxy the BFF paths to",
    ["live", "dev"],
    ({ live, dev }) => {
      const site = resource(live.resources, "sst:aws:StaticSite", "Web");
      expect(site.outputs._dev).toEqual({
        command: "npm run dev",
        directory: "web",
        autostart: true,
        title: "SPA (Vite)",
        environment: { SPA_DEV_PROXY_TARGET: siteOrigin(live) },
      });
      expect(live.outputs.devServer).toBe("http://localhost:5173");
      // Nothing of the site is deployed, and the Router carries only the BFF's paths.
      expect(ofType(live.resources, "pulumi-nodejs:dynamic:Resource").filter((r) => r.name.startsWith("WebAsset"))).toEqual([]);
      expect(
        routerEntries(live)
          .map((e) => [e[0], e[3]])
          .sort(),
      ).toEqual([
        ["url", "/api"],
        ["url", "/auth"],
        ["url", "/files"],
      ]);
      // Deployed, the site is built and uploaded, and the build does not see the proxy variable.
      expect(resource(dev.resources, "sst:aws:StaticSite", "Web").outputs._dev).toBeUndefined();
      expect(resource(dev.resources, "command:local:Command", "WebBuilder").inputs.environment).toEqual({});
    },
  ),

  check(
    "dev.app-origin",
    "under sst dev the BFF's APP_ORIGIN (redirect URI, Origin check) is the Vite dev server; deployed, the site",
    ["live", "dev"],
    ({ live, dev }) => {
      for (const name of ["BffAuth", "BffApi", "BffFiles"]) {
        expect(envOf(lambda(live, name)).APP_ORIGIN, name).toBe("http://localhost:5173");
        expect(envOf(lambda(dev, name)).APP_ORIGIN, name).toBe(siteOrigin(dev));
      }
    },
  ),
];
