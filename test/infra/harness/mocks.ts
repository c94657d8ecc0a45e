import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { policyDocumentJson } from "./policy-document.ts";

/** What the mock run knows about one registered resource. */
export interface MockResource {
  type: string;
  name: string;
  urn: string;
  id: string;
  custom: boolean;
  /** Final inputs, after SST defaults and `transform`s. */
  inputs: Record<string, unknown>;
  /** What a component registered as its outputs (e.g. a site's `_dev` settings under `sst dev`). */
  outputs: Record<string, unknown>;
  /** Resource options read off the monitor's registration request. */
  options: { parent: string; protect: boolean; retainOnDelete: boolean; dependsOn: string[] };
}

/** An invoke mock: receives the invoke's inputs, returns its result. */
export type CallMock = (inputs: Record<string, unknown>) => Record<string, unknown>;

/** Fake account facts; every mock ARN is built from them. */
export interface MockAccount {
  region: string;
  accountId: string;
}

function shortHash(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 8);
}

/**
 * Outputs AWS computes that SST components read back (ARNs, URLs, ids).
 * Without them SST's `.apply()` chains would see `undefined`.
 */
export function computedOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  account: MockAccount,
  /** The id of a looked-up (`Resource.get`) resource. */
  readId?: string,
): Record<string, unknown> {
  const { region, accountId } = account;
  const physical = typeof inputs.name === "string" ? inputs.name : name;
  const id = readId || `${name.toLowerCase()}-${shortHash(`${type}:${name}`)}`;
  const base: Record<string, unknown> = { id, arn: `arn:aws:mock:${region}:${accountId}:${type.split(":")[1] ?? type}/${physical}` };
  switch (type) {
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${region}:${accountId}:function:${physical}`;
      return {
        ...base,
        name: physical,
        arn,
        qualifiedArn: `${arn}:$LATEST`,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
      };
    }
    case "aws:lambda/functionUrl:FunctionUrl":
      return { ...base, functionUrl: `https://${id}.lambda-url.${region}.on.aws/`, urlId: id };
    case "aws:iam/role:Role":
      return { ...base, name: physical, arn: `arn:aws:iam::${accountId}:role/${physical}`, uniqueId: id };
    case "aws:apigateway/restApi:RestApi":
      return { ...base, rootResourceId: `${id}-root`, executionArn: `arn:aws:execute-api:${region}:${accountId}:${id}` };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = typeof inputs.bucket === "string" ? inputs.bucket : id;
      return {
        ...base,
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
      };
    }
    case "aws:cloudfront/distribution:Distribution":
      return {
        ...base,
        domainName: `${id}.cloudfront.net`,
        hostedZoneId: "Z2FDTNDATAQYW2",
        arn: `arn:aws:cloudfront::${accountId}:distribution/${id}`,
      };
    case "aws:cognito/userPool:UserPool":
      return {
        ...base,
        id: `${region}_${shortHash(name)}`,
        endpoint: `cognito-idp.${region}.amazonaws.com/${region}_${shortHash(name)}`,
        arn: `arn:aws:cognito-idp:${region}:${accountId}:userpool/${region}_${shortHash(name)}`,
      };
    case "aws:cognito/userPoolClient:UserPoolClient":
      return { ...base, clientSecret: "mock-client-secret" };
    case "aws:kms/key:Key":
      return { ...base, keyId: id, arn: `arn:aws:kms:${region}:${accountId}:key/${id}` };
    case "aws:dynamodb/table:Table":
      return { ...base, name: physical, arn: `arn:aws:dynamodb:${region}:${accountId}:table/${physical}`, streamArn: "" };
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return {
        ...base,
        id: `vpce-${shortHash(name)}`,
        dnsEntries: [{ dnsName: `vpce-${shortHash(name)}.execute-api.${region}.vpce.amazonaws.com`, hostedZoneId: "Z1" }],
      };
    case "aws:acm/certificate:Certificate": {
      const domains = [String(inputs.domainName), ...((inputs.subjectAlternativeNames ?? []) as string[])];
      return {
        ...base,
        arn: `arn:aws:acm:${region}:${accountId}:certificate/${id}`,
        domainValidationOptions: domains.map((domainName) => ({
          domainName,
          resourceRecordName: `_${shortHash(domainName)}.${domainName}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_${shortHash(`v:${domainName}`)}.acm-validations.aws.`,
        })),
      };
    }
    case "aws:ec2/vpc:Vpc":
      // A VPC made by SST carries these tags; `sst.aws.Vpc.get` refuses one without them.
      return { ...base, cidrBlock: inputs.cidrBlock ?? "10.0.0.0/16", tagsAll: { "sst:component-version": "2", "sst:ref-version": "2" } };
    case "aws:ec2/subnet:Subnet":
      return { ...base, cidrBlock: inputs.cidrBlock ?? `10.0.${Number(/(\d+)$/.exec(name)?.[1] ?? 0) * 4}.0/22` };
    case "aws:ec2/instance:Instance":
      return { ...base, publicIp: "203.0.113.10", privateIp: "10.0.0.10" };
    case "aws:ec2/eip:Eip":
      return { ...base, publicIp: "203.0.113.20" };
    case "random:index/randomBytes:RandomBytes":
      return { ...base, base64: Buffer.from(shortHash(name)).toString("base64"), hex: shortHash(name) };
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString":
      return { ...base, result: `mock-${shortHash(name)}` };
    default:
      return base;
  }
}

const commandRuns = new Map<string, string>();

/**
 * Commands already run for this check run by another process (the infra
 * tests' global setup builds the site once, before parallel test files
 * could race on web/dist): a JSON list of {@link commandKey}s.
 */
export const commandsRunVariable = "SST_HARNESS_COMMANDS_RUN";

/** Identifies a command run: the command, its folder (links resolved) and its environment. */
export function commandKey(command: string, dir: string, environment: Record<string, string>): string {
  return JSON.stringify([command, realpathSync(dir), environment]);
}

/**
 * Runs a `command:local:Command` as the deploy would (a site's build), once
 * per check run for the same command, folder and environment: several
 * synths share the output. Test-runner variables are left out, so the build
 * sees the environment a deploying shell would.
 */
export function runLocalCommand(inputs: Record<string, unknown>): Record<string, unknown> {
  const command = String(inputs.create ?? "");
  const dir = String(inputs.dir ?? process.cwd());
  const environment = (inputs.environment ?? {}) as Record<string, string>;
  const key = commandKey(command, dir, environment);
  const ranElsewhere = (JSON.parse(process.env[commandsRunVariable] ?? "[]") as string[]).includes(key);
  let stdout = commandRuns.get(key) ?? (ranElsewhere ? "" : undefined);
  if (stdout === undefined) {
    const env: Record<string, string | undefined> = { ...process.env, ...environment };
    for (const name of Object.keys(env)) if (name === "NODE_ENV" || name.startsWith("VITEST") || name === "TEST") delete env[name];
    try {
      stdout = execFileSync("sh", ["-c", command], { cwd: dir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      const failure = error as { stderr?: string; stdout?: string };
      const tail = `${failure.stdout ?? ""}${failure.stderr ?? ""}`.trim().split("\n").slice(-20).join("\n");
      throw new Error(`Command "${command}" failed in ${dir}:\n${tail}`);
    }
    commandRuns.set(key, stdout);
  }
  return { stdout, stderr: "" };
}

/**
 * What `sst.aws.Vpc.get` looks up about an existing SST VPC (two AZs, EC2
 * NAT with the first instance as the bastion) and its execute-api endpoint:
 * invoke mocks for `synth({ calls })`.
 */
export function sharedVpcCalls(vpcId: string, endpointId = "vpce-0shared0000000001"): Record<string, CallMock> {
  return {
    "aws:ec2/getInternetGateway:getInternetGateway": () => ({ id: "igw-0shared", internetGatewayId: "igw-0shared" }),
    "aws:ec2/getSecurityGroups:getSecurityGroups": (inputs) => {
      const filters = JSON.stringify(inputs.filters ?? []);
      const ids = filters.includes("sst:is-nat-sg") ? ["sg-0nat"] : filters.includes("sst:is-bastion-sg") ? [] : ["sg-0default"];
      return { ids, vpcIds: [vpcId] };
    },
    "aws:ec2/getSubnets:getSubnets": (inputs) => {
      const kind = JSON.stringify(inputs.filters ?? []).includes("*Private*") ? "private" : "public";
      return { ids: [`subnet-0${kind}1`, `subnet-0${kind}2`] };
    },
    "aws:ec2/getRouteTable:getRouteTable": (inputs) => ({ routeTableId: `rtb-for-${String(inputs.subnetId)}` }),
    "aws:ec2/getNatGateways:getNatGateways": () => ({ ids: [] }),
    "aws:ec2/getInstances:getInstances": (inputs) => {
      const filters = JSON.stringify(inputs.filters ?? []);
      return { ids: filters.includes("sst:is-bastion") ? ["i-0nat1"] : ["i-0nat1", "i-0nat2"] };
    },
    "aws:ec2/getEips:getEips": () => ({ allocationIds: ["eipalloc-01", "eipalloc-02"], publicIps: ["203.0.113.20", "203.0.113.21"] }),
    "aws:route53/getZone:getZone": () => ({
      zoneId: "Z0SST",
      linkedServiceDescription: "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-shared1",
    }),
    "aws:ec2/getVpcEndpoint:getVpcEndpoint": (inputs) => ({
      id: endpointId,
      vpcId: inputs.vpcId,
      serviceName: inputs.serviceName,
      state: "available",
    }),
  };
}

/**
 * Answers the invokes SST makes. Unknown invokes echo their inputs, because
 * SST reads invoke inputs back (getPolicyDocument's `statements`).
 */
export function callResult(
  token: string,
  inputs: Record<string, unknown>,
  account: MockAccount,
  extra: Record<string, CallMock>,
): Record<string, unknown> {
  const custom = extra[token];
  if (custom) return { ...inputs, ...custom(inputs) };
  const { region, accountId } = account;
  switch (token) {
    case "aws:index/getRegion:getRegion":
      return { ...inputs, id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
    case "aws:index/getPartition:getPartition":
      return { ...inputs, id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { ...inputs, id: accountId, accountId, arn: `arn:aws:iam::${accountId}:user/mock`, userId: "AIDAMOCK" };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { ...inputs, id: region, names: ["a", "b", "c"].map((z) => `${region}${z}`), zoneIds: ["1", "2", "3"].map((z) => `az${z}`) };
    case "aws:ec2/getAmi:getAmi":
      return { ...inputs, id: "ami-0mock", architecture: "arm64", imageId: "ami-0mock" };
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { ...inputs, id: "policy", json: policyDocumentJson(inputs as Parameters<typeof policyDocumentJson>[0]) };
    default:
      return inputs;
  }
}
