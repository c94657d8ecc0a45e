/**
 * Per-stage settings (issue 17): LoginMode, SenderEmail, SiteDomain and
 * SharedVpcId live in the stage's SST secrets, so a deploy from a shell that
 * lacks them (or has other values in LOGIN_MODE, SENDER_EMAIL, SITE_DOMAIN)
 * changes nothing. Names that must be unique are derived per stage and
 * account; developers' stages can share one VPC; production refuses both
 * `sst dev` and a shared VPC.
 */
import { describe, expect, it } from "vitest";
import { envOf, get, lambda, ofType, resource } from "./checks/helpers.ts";
import { type SynthResult, sharedVpcCalls, synth } from "./harness/index.ts";

const sharedVpcId = "vpc-0123456789abcdef0";
const sharedEndpointId = "vpce-0shared0000000001";

/**
 * What a deploy would create or change: every resource with its inputs and
 * options, by URN. The site's build command carries SST's own "always
 * rebuild" trigger (the time of the run), which is no setting.
 */
const declared = (run: SynthResult) =>
  [...run.resources]
    .sort((a, b) => a.urn.localeCompare(b.urn))
    .map(({ urn, inputs, options }) => ({
      urn,
      inputs: urn.includes("command:local:Command") ? { ...inputs, triggers: [] } : inputs,
      options,
    }));

const domainPrefix = (run: SynthResult) => String(ofType(run.resources, "aws:cognito/userPoolDomain:UserPoolDomain")[0]?.inputs.domain);

describe("per-stage settings", () => {
  it("ignores LOGIN_MODE, SENDER_EMAIL and SITE_DOMAIN in the deploying shell: a deploy with or without them declares the same stage", async () => {
    // Act
    const plain = await synth({ stage: "staging" });
    const fromShell = await synth({
      stage: "staging",
      env: { LOGIN_MODE: "branded", SENDER_EMAIL: "someone@example.org", SITE_DOMAIN: "app.example.org" },
    });

    // Assess
    expect(declared(fromShell)).toEqual(declared(plain));
    expect(envOf(lambda(fromShell, "BffAuth")).LOGIN_MODE).toBe("hosted");
  });

  it("takes the stage's secrets: the login mode, the sender and the custom domain", async () => {
    // Act
    const run = await synth({
      stage: "staging",
      secrets: { LoginMode: "branded", SenderEmail: "codes@mail.example.org", SiteDomain: "app.example.org" },
    });

    // Assess
    expect(envOf(lambda(run, "BffFiles")).LOGIN_MODE).toBe("branded");
    expect(resource(run.resources, "aws:sesv2/emailIdentity:EmailIdentity", "CodeSenderIdentity").inputs.emailIdentity).toBe(
      "codes@mail.example.org",
    );
    const distribution = resource(run.resources, "aws:cloudfront/distribution:Distribution", "RouterCdnDistribution");
    expect(distribution.inputs.aliases).toEqual(["app.example.org"]);
    expect(get(distribution.inputs, "viewerCertificate", "sslSupportMethod")).toBe("sni-only");
    expect(resource(run.resources, "aws:acm/certificate:Certificate", "RouterCdnSslCertificate").inputs.domainName).toBe("app.example.org");
    expect(ofType(run.resources, "aws:route53/record:Record").map((r) => [r.inputs.type, r.inputs.name])).toEqual(
      expect.arrayContaining([
        ["A", "app.example.org"],
        ["AAAA", "app.example.org"],
      ]),
    );
  });

  it("fails the deploy, naming the secret to fix, on a LoginMode it does not know", async () => {
    // Act
    const run = synth({ stage: "typo", secrets: { LoginMode: "password" }, timeoutMs: 60_000 });

    // Assess
    await expect(run).rejects.toThrow(
      'Invalid LoginMode "password" for stage "typo". Expected "hosted" or "branded" (npx sst secret set LoginMode <value> --stage typo).',
    );
  });

  it("fails the deploy on a SiteDomain that is not a host name", async () => {
    // Act
    const run = synth({ stage: "typo", secrets: { SiteDomain: "https://app.example.org/" }, timeoutMs: 60_000 });

    // Assess
    await expect(run).rejects.toThrow('Invalid SiteDomain "https://app.example.org/"');
  });
});

describe("names that must be unique", () => {
  it("derives the Cognito domain prefix from the stage and a hash of the account and region, so neither two stages nor two accounts collide", async () => {
    // Act
    const first = await synth({ stage: "dev" });
    const otherAccount = await synth({ stage: "dev", account: { accountId: "210987654321" } });
    const otherRegion = await synth({ stage: "dev", account: { region: "us-east-1" } });
    const otherStage = await synth({ stage: "qa" });

    // Assess
    const prefixes = [first, otherAccount, otherRegion, otherStage].map(domainPrefix);
    expect(new Set(prefixes).size).toBe(4);
    for (const prefix of prefixes) expect(prefix).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
    expect(prefixes[0]?.replace(/-[0-9a-f]{8}$/, "")).toBe("spa-bff-dev");
    // Each stage's default SES identity is its own, so two stages in one account can both create theirs.
    const sender = (run: SynthResult) =>
      resource(run.resources, "aws:sesv2/emailIdentity:EmailIdentity", "CodeSenderIdentity").inputs.emailIdentity;
    expect(sender(first)).not.toBe(sender(otherStage));
  });
});

describe("a developer's stage in a shared VPC", () => {
  it("looks the VPC up instead of creating one: no VPC, NAT, Elastic IP or endpoint of its own, and the API on the owner's execute-api endpoint", async () => {
    // Act
    const run = await synth({ stage: "bob", secrets: { SharedVpcId: sharedVpcId }, calls: sharedVpcCalls(sharedVpcId, sharedEndpointId) });

    // Assess
    for (const type of [
      "aws:ec2/vpc:Vpc",
      "aws:ec2/subnet:Subnet",
      "aws:ec2/instance:Instance",
      "aws:ec2/eip:Eip",
      "aws:ec2/natGateway:NatGateway",
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      "aws:ec2/securityGroup:SecurityGroup",
    ]) {
      expect(ofType(run.resources, type), type).toEqual([]);
    }
    expect(run.reads.find((r) => r.type === "aws:ec2/vpc:Vpc")?.id).toBe(sharedVpcId);
    const api = resource(run.resources, "aws:apigateway/restApi:RestApi", "ApiApi");
    expect(api.inputs.endpointConfiguration).toEqual({ types: "PRIVATE", vpcEndpointIds: [sharedEndpointId] });
    expect(JSON.stringify(api.inputs.policy)).toContain(sharedEndpointId);
    expect(get(lambda(run, "BffApi").inputs, "vpcConfig", "subnetIds")).toEqual(["subnet-0private1", "subnet-0private2"]);
  });

  it("reaches the API through the shared endpoint's alias under sst dev", async () => {
    // Act
    const run = await synth({
      stage: "bob",
      dev: true,
      secrets: { SharedVpcId: sharedVpcId },
      calls: sharedVpcCalls(sharedVpcId, sharedEndpointId),
    });

    // Assess
    const api = resource(run.resources, "aws:apigateway/restApi:RestApi", "ApiApi");
    expect(envOf(lambda(run, "BffApi")).API_BASE_URL).toBe(
      `https://${api.id}-${sharedEndpointId}.execute-api.eu-west-1.amazonaws.com/bob/`,
    );
  });

  it("is refused to production, which owns its network", async () => {
    // Act
    const run = synth({ stage: "production", secrets: { SharedVpcId: sharedVpcId }, timeoutMs: 60_000 });

    // Assess
    await expect(run).rejects.toThrow('Stage "production" is a production stage; it creates its own VPC (remove the SharedVpcId secret).');
  });
});

describe("sst dev", () => {
  it("is refused on a production stage, whose functions would otherwise relay to a laptop", async () => {
    // Act
    const run = synth({ stage: "prod", dev: true, timeoutMs: 60_000 });

    // Assess
    await expect(run).rejects.toThrow('sst dev runs the functions of stage "prod" on your machine; it is refused on production stages.');
  });
});
