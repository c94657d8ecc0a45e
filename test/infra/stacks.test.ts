import { beforeAll, describe, expect, it } from "vitest";
import { asList, type IamStatement, type MockResource, ofType, parsePolicy, resource, type SynthResult, synth } from "./harness/index.ts";

type Inputs = Record<string, unknown>;
const get = (value: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v as Inputs | undefined)?.[k], value);
const lambdas = (r: SynthResult) => ofType(r.resources, "aws:lambda/function:Function");
const lambda = (r: SynthResult, name: string) => resource(r.resources, "aws:lambda/function:Function", `${name}Function`);
const envOf = (fn: MockResource) => (get(fn.inputs, "environment", "variables") ?? {}) as Record<string, string>;

/** Every statement of every role policy (inline, RolePolicy, SST's generated ones). */
function roleStatements(r: SynthResult): IamStatement[] {
  const inline = ofType(r.resources, "aws:iam/role:Role").flatMap((role) =>
    ((role.inputs.inlinePolicies ?? []) as { policy?: string }[]).flatMap((p) => (p.policy ? parsePolicy(p.policy).Statement : [])),
  );
  const attached = ofType(r.resources, "aws:iam/rolePolicy:RolePolicy").flatMap((p) => parsePolicy(p.inputs.policy).Statement);
  return [...inline, ...attached];
}

let dev: SynthResult;
let production: SynthResult;

beforeAll(async () => {
  // Sequential: both runs share one Pulumi runtime in this process.
  dev = await synth({ stage: "dev" });
  production = await synth({ stage: "production" });
});

describe("network", () => {
  it("builds a two-AZ VPC with private subnets, EC2 NAT and a bastion in dev stages", () => {
    // Assess
    const subnets = ofType(dev.resources, "aws:ec2/subnet:Subnet");
    expect(subnets.map((s) => s.name).sort()).toEqual(["VpcPrivateSubnet1", "VpcPrivateSubnet2", "VpcPublicSubnet1", "VpcPublicSubnet2"]);
    const instances = ofType(dev.resources, "aws:ec2/instance:Instance");
    expect(instances.map((i) => i.name).filter((n) => n.startsWith("VpcNatInstance"))).toHaveLength(2);
    // With EC2 NAT, SST makes one NAT instance the bastion `sst tunnel` connects through.
    expect(instances.filter((i) => get(i.inputs, "tags", "sst:is-bastion") === "true")).toHaveLength(1);
    expect(ofType(dev.resources, "tls:index/privateKey:PrivateKey")).toHaveLength(1);
    expect(ofType(dev.resources, "aws:ec2/natGateway:NatGateway")).toHaveLength(0);
  });

  it("uses managed NAT gateways and no bastion in production", () => {
    expect(ofType(production.resources, "aws:ec2/natGateway:NatGateway")).toHaveLength(2);
    expect(ofType(production.resources, "aws:ec2/instance:Instance")).toHaveLength(0);
    expect(ofType(production.resources, "tls:index/privateKey:PrivateKey")).toHaveLength(0);
  });

  it("adds an execute-api interface endpoint with private DNS, a DynamoDB gateway endpoint, and a KMS endpoint in production", () => {
    const executeApi = resource(dev.resources, "aws:ec2/vpcEndpoint:VpcEndpoint", "ExecuteApiEndpoint");
    expect(executeApi.inputs).toMatchObject({
      serviceName: "com.amazonaws.eu-west-1.execute-api",
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
    });
    expect(executeApi.inputs.subnetIds).toEqual(["vpcprivatesubnet1-dd4c7996", "vpcprivatesubnet2-f9f62dfd"]);
    const dynamo = resource(dev.resources, "aws:ec2/vpcEndpoint:VpcEndpoint", "DynamoDbEndpoint");
    expect(dynamo.inputs).toMatchObject({ serviceName: "com.amazonaws.eu-west-1.dynamodb", vpcEndpointType: "Gateway" });
    expect(asList(dynamo.inputs.routeTableIds as string[])).toHaveLength(2);
    expect(ofType(dev.resources, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.name)).not.toContain("KmsEndpoint");
    const kms = resource(production.resources, "aws:ec2/vpcEndpoint:VpcEndpoint", "KmsEndpoint");
    expect(kms.inputs).toMatchObject({ serviceName: "com.amazonaws.eu-west-1.kms", vpcEndpointType: "Interface", privateDnsEnabled: true });
  });
});

describe("auth", () => {
  it("creates a user pool without self sign-up, with a strong password policy and optional MFA", () => {
    const pool = resource(dev.resources, "aws:cognito/userPool:UserPool", "UserPoolUserPool");
    expect(pool.inputs.adminCreateUserConfig).toEqual({ allowAdminCreateUserOnly: true });
    expect(pool.inputs.passwordPolicy).toMatchObject({
      minimumLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireNumbers: true,
      requireSymbols: true,
    });
    expect(pool.inputs.mfaConfiguration).toBe("OPTIONAL");
    expect(ofType(dev.resources, "aws:cognito/userPoolDomain:UserPoolDomain")).toHaveLength(1);
  });

  it("defines the items resource server with items/read and items/write", () => {
    const server = resource(dev.resources, "aws:cognito/resourceServer:ResourceServer", "ItemsResourceServer");
    expect(server.inputs.identifier).toBe("items");
    expect((server.inputs.scopes as { scopeName: string }[]).map((s) => s.scopeName).sort()).toEqual(["read", "write"]);
  });

  it("makes the web client confidential, code flow only, with the site and (in dev) the local platform as callbacks", () => {
    const web = resource(dev.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient");
    expect(web.inputs).toMatchObject({ generateSecret: true, allowedOauthFlows: ["code"], enableTokenRevocation: true });
    expect(web.inputs.allowedOauthScopes).toEqual(expect.arrayContaining(["openid", "items/read", "items/write"]));
    expect(web.inputs.callbackUrls).toEqual([
      `${String(dev.outputs.site).replace(/\/$/, "")}/auth/callback`,
      "http://localhost:3000/auth/callback",
    ]);
    expect(web.inputs.logoutUrls).toEqual([`${String(dev.outputs.site).replace(/\/$/, "")}/`, "http://localhost:3000/"]);
    const prodWeb = resource(production.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient");
    expect(prodWeb.inputs.callbackUrls).toEqual([`${String(production.outputs.site).replace(/\/$/, "")}/auth/callback`]);
  });

  it("makes the M2M client client_credentials with items/read only", () => {
    const m2m = resource(dev.resources, "aws:cognito/userPoolClient:UserPoolClient", "M2mClientClient");
    expect(m2m.inputs).toMatchObject({
      generateSecret: true,
      allowedOauthFlows: ["client_credentials"],
      allowedOauthScopes: ["items/read"],
    });
  });

  it("keeps client secrets out of every function's environment and passes them by link", () => {
    for (const fn of lambdas(dev)) expect(JSON.stringify(envOf(fn))).not.toContain("mock-client-secret");
    for (const fn of lambdas(dev)) expect(Object.keys(envOf(fn)).filter((k) => /SECRET/.test(k))).toEqual([]);
    const links = ofType(dev.resources, "sst:sst:LinkRef").map((l) => l.name);
    expect(links).toEqual(expect.arrayContaining(["WebClientLinkRef", "M2mClientLinkRef"]));
  });
});

describe("api", () => {
  it("is a PRIVATE REST API on the execute-api endpoint with a policy denying any other source", () => {
    const api = resource(dev.resources, "aws:apigateway/restApi:RestApi", "ApiApi");
    const endpointId = resource(dev.resources, "aws:ec2/vpcEndpoint:VpcEndpoint", "ExecuteApiEndpoint").id;
    expect(api.inputs.endpointConfiguration).toEqual({ types: "PRIVATE", vpcEndpointIds: [endpointId] });
    const deny = parsePolicy(api.inputs.policy).Statement.find((s) => s.Effect === "Deny");
    expect(deny).toMatchObject({ Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" });
    expect(deny?.Condition).toEqual({ StringNotEquals: { "aws:SourceVpce": endpointId } });
  });

  it("attaches the REQUEST authorizer, cached on the Authorization header, to every route", () => {
    const authorizer = resource(dev.resources, "aws:apigateway/authorizer:Authorizer", "ApiAuthorizerJwtAuthorizer");
    expect(authorizer.inputs).toMatchObject({
      type: "REQUEST",
      identitySource: "method.request.header.Authorization",
      authorizerResultTtlInSeconds: 300,
    });
    const methods = ofType(dev.resources, "aws:apigateway/method:Method");
    expect(methods.map((m) => m.inputs.httpMethod).sort()).toEqual(["DELETE", "GET", "GET", "POST"]);
    for (const method of methods) expect(method.inputs).toMatchObject({ authorization: "CUSTOM", authorizerId: authorizer.id });
  });

  it("writes access logs and keeps items in a PITR, encrypted table", () => {
    const stage = ofType(dev.resources, "aws:apigateway/stage:Stage")[0];
    expect(get(stage?.inputs, "accessLogSettings", "destinationArn")).toBeTruthy();
    const items = resource(dev.resources, "aws:dynamodb/table:Table", "ItemsTable");
    expect(items.inputs).toMatchObject({
      hashKey: "owner",
      rangeKey: "id",
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
    });
  });
});

describe("bff", () => {
  it("keeps sessions in a table with TTL, point-in-time recovery, encryption and the bySub index", () => {
    const table = resource(dev.resources, "aws:dynamodb/table:Table", "SessionsTable");
    expect(table.inputs).toMatchObject({
      hashKey: "pk",
      ttl: { attributeName: "ttl", enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
    });
    expect((table.inputs.globalSecondaryIndexes as { name: string }[]).map((i) => i.name)).toEqual(["bySub"]);
  });

  it("rotates the session key and lets only the BFF role use it, with the bff-session context", () => {
    const key = resource(dev.resources, "aws:kms/key:Key", "SessionKey");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const role = resource(dev.resources, "aws:iam/role:Role", "BffRole");
    const statements = parsePolicy(key.inputs.policy).Statement;
    const dataActions = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncrypt*", "kms:*"];
    const users = statements.filter((s) => asList(s.Action).some((a) => dataActions.includes(a) || a.startsWith("kms:GenerateDataKey")));
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({
      Principal: { AWS: `arn:aws:iam::123456789012:role/${String(role.inputs.name ?? "BffRole")}` },
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Condition: { StringEquals: { "kms:EncryptionContext:purpose": "bff-session" } },
    });
    const admin = statements.find((s) => s.Sid === "KeyAdministration");
    expect(asList(admin?.Action).every((a) => !/Encrypt|Decrypt|GenerateDataKey|^kms:\*$/.test(a))).toBe(true);
  });

  it("runs the BFF on nodejs22.x in the private subnets with a timeout above the upstream timeout", () => {
    for (const name of ["BffAuth", "BffApi", "M2mJobHandler"]) {
      const fn = lambda(dev, name);
      expect(get(fn.inputs, "vpcConfig", "subnetIds")).toEqual(["vpcprivatesubnet1-dd4c7996", "vpcprivatesubnet2-f9f62dfd"]);
    }
    const bff = lambda(dev, "BffAuth");
    expect(bff.inputs).toMatchObject({ runtime: "nodejs22.x", memorySize: 512, timeout: 15 });
    expect(Number(envOf(bff).UPSTREAM_TIMEOUT_MS) / 1000).toBeLessThan(Number(bff.inputs.timeout));
    expect(envOf(bff)).toMatchObject({
      KEY_PROVIDER: "kms",
      OIDC_LOGOUT_URL: expect.stringMatching(/\/logout$/),
      API_BASE_URL: dev.outputs.api,
    });
  });

  it("exposes the BFF only as AWS_IAM function URLs that CloudFront signs (OAC)", () => {
    const urls = ofType(dev.resources, "aws:lambda/functionUrl:FunctionUrl");
    expect(urls.map((u) => u.name).sort()).toEqual(["BffApiUrl", "BffAuthUrl", "BffFilesUrl"]);
    for (const url of urls) expect(url.inputs.authorizationType).toBe("AWS_IAM");
    const permissions = ofType(dev.resources, "aws:lambda/permission:Permission").filter((p) => String(p.inputs.function).includes("Bff"));
    expect(permissions.length).toBeGreaterThan(0);
    for (const p of permissions) expect(p.inputs.principal).toBe("cloudfront.amazonaws.com");
    const routeKeys = ofType(dev.resources, "pulumi-nodejs:dynamic:Resource").filter((r) => /^Bff(Auth|Api|Files)RouteKey$/.test(r.name));
    for (const key of routeKeys)
      expect(JSON.parse(String(get(key.inputs, "entries", "metadata")))).toMatchObject({
        origin: { originAccessControlConfig: { enabled: true, originType: "lambda" } },
      });
  });

  it("grants the BFF only item-level calls on its table and Query on bySub, never dynamodb:*", () => {
    const policy = parsePolicy(resource(dev.resources, "aws:iam/rolePolicy:RolePolicy", "BffSessionsPolicy").inputs.policy);
    const dynamo = policy.Statement.filter((s) => asList(s.Action).some((a) => a.startsWith("dynamodb:")));
    expect(dynamo.flatMap((s) => asList(s.Action)).sort()).toEqual([
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]);
    const query = dynamo.find((s) => asList(s.Action).includes("dynamodb:Query"));
    expect(asList(query?.Resource)).toEqual([expect.stringMatching(/\/index\/bySub$/)]);
  });

  it("has no wildcard action on data anywhere (dynamodb, kms, s3 object reads)", () => {
    for (const statement of roleStatements(dev)) {
      for (const action of asList(statement.Action)) expect(action, JSON.stringify(statement)).not.toMatch(/^(\*|dynamodb:\*|kms:\*)$/);
    }
  });
});

describe("web", () => {
  it("routes /auth, /api and /files to the BFF and the rest to the static site", () => {
    const entries = ofType(dev.resources, "pulumi-nodejs:dynamic:Resource")
      .filter((r) => r.name.endsWith("RoutesUpdate"))
      .map((r) => String(r.inputs.entry).split(","));
    expect(entries.map((e) => [e[0], e[3]]).sort()).toEqual([
      ["site", ""],
      ["url", "/api"],
      ["url", "/auth"],
      ["url", "/files"],
    ]);
  });

  it("turns caching off and forwards cookies and query strings on the BFF paths, with security headers everywhere", () => {
    const distribution = resource(dev.resources, "aws:cloudfront/distribution:Distribution", "RouterCdnDistribution");
    const ordered = distribution.inputs.orderedCacheBehaviors as Inputs[];
    expect(ordered.map((b) => b.pathPattern)).toEqual(["/auth/*", "/api/*", "/files", "/files/*"]);
    const headers = resource(dev.resources, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "SecurityHeaders");
    for (const behavior of ordered) {
      expect(behavior).toMatchObject({
        cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        originRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
        responseHeadersPolicyId: headers.id,
      });
    }
    expect(get(distribution.inputs, "defaultCacheBehavior", "responseHeadersPolicyId")).toBe(headers.id);
    const config = headers.inputs.securityHeadersConfig as Inputs;
    expect(get(config, "contentSecurityPolicy", "contentSecurityPolicy")).toContain("frame-ancestors 'none'");
    expect(get(config, "strictTransportSecurity", "accessControlMaxAgeSec")).toBeGreaterThanOrEqual(31_536_000);
    expect(get(config, "frameOptions", "frameOption")).toBe("DENY");
  });
});

describe("stages", () => {
  it("retains data and protects the stage in production, and removes everything elsewhere", () => {
    for (const name of ["SessionsTable", "ItemsTable"]) {
      expect(resource(production.resources, "aws:dynamodb/table:Table", name).options.retainOnDelete).toBe(true);
      expect(resource(production.resources, "aws:dynamodb/table:Table", name).inputs.deletionProtectionEnabled).toBe(true);
      expect(resource(dev.resources, "aws:dynamodb/table:Table", name).options.retainOnDelete).toBe(false);
    }
    expect(production.outputs._protect).toBe(true);
    expect(dev.outputs._protect).toBe(false);
    expect(resource(production.resources, "aws:cognito/userPool:UserPool", "UserPoolUserPool").inputs.deletionProtection).toBe("ACTIVE");
  });

  it("outputs the site URL, the user pool id and the API URL", () => {
    expect(dev.outputs).toMatchObject({
      site: expect.stringMatching(/^https:\/\/.+\.cloudfront\.net$/),
      userPoolId: expect.stringMatching(/^eu-west-1_/),
      api: expect.stringMatching(/^https:\/\/.+\.execute-api\.eu-west-1\.amazonaws\.com\/dev\/$/),
    });
  });
});

describe("viewer address for per-IP limits", () => {
  it("writes CloudFront's viewer IP into x-viewer-ip first thing in the Router's viewer-request function", () => {
    // Assess
    const [fn] = ofType(dev.resources, "aws:cloudfront/function:Function").filter((f) => f.name.endsWith("CloudfrontFunctionRequest"));
    expect(fn).toBeDefined();
    const code = String(get(fn?.inputs, "code"));
    const injected = code.indexOf('event.request.headers["x-viewer-ip"] = { value: event.viewer.ip };');
    expect(injected).toBeGreaterThan(-1);
    // Before the routing code runs, so no later branch can skip it.
    expect(injected).toBeLessThan(code.indexOf("kvs"));
  });
});

describe("bff entries", () => {
  it("deploys each BFF function from its own entry, so each bundle carries only its route group", () => {
    // Assess
    expect(lambda(dev, "BffAuth").inputs.handler).toBe("packages/bff/src/lambda-auth.handler");
    expect(lambda(dev, "BffApi").inputs.handler).toBe("packages/bff/src/lambda-api.handler");
    expect(lambda(dev, "BffFiles").inputs.handler).toBe("packages/bff/src/lambda-files.handler");
  });
});
