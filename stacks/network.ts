import { stageSettings } from "./settings.ts";
import { isProduction } from "./stage.ts";

/** The address range SST gives every VPC it creates (vpc.ts); the security groups below open to it only. */
export const vpcCidr = "10.0.0.0/16";

/** The VPC and the endpoints that keep AWS traffic off the NAT. */
export interface Network {
  vpc: sst.aws.Vpc;
  /** The execute-api interface endpoint: the only way into the private REST API. */
  executeApiEndpointId: $util.Output<string>;
  /** The stage's own endpoints; none when it reuses a shared VPC (the VPC's owner made them). */
  endpoints: { executeApi: aws.ec2.VpcEndpoint; dynamoDb: aws.ec2.VpcEndpoint; kms: aws.ec2.VpcEndpoint | undefined } | undefined;
}

/**
 * Two AZs. NAT: the functions only reach the internet for Cognito's token,
 * revoke and JWKS endpoints (a few KB per login), so traffic cost is nothing
 * and the hourly price dominates. Dev stages use SST's `ec2` NAT (fck-nat on
 * t4g.nano, about a tenth of a NAT Gateway); production uses managed NAT
 * Gateways because they need no patching and fail over within their AZ,
 * which a single instance does not.
 *
 * A developer's stage can reuse another stage's VPC instead (the
 * `SharedVpcId` setting): no VPC, NAT or Elastic IP of its own, so a
 * production stage and several developers' stages fit the default quota of
 * five Elastic IPs per region.
 */
export function createNetwork(): Network {
  const { sharedVpcId } = stageSettings();
  if (sharedVpcId) return sharedNetwork(sharedVpcId);

  const production = isProduction();
  const vpc = new sst.aws.Vpc("Vpc", {
    az: 2,
    nat: production ? "managed" : "ec2",
    // `sst tunnel` (and so `sst dev`) reaches the private API through the bastion; production has no shell host.
    bastion: !production,
    transform: {
      // SST opens the NAT instances to the world on every port. They forward the private subnets' traffic
      // (the VPC's range) and, as the bastion, accept SSH for `sst tunnel`, which authenticates by key only.
      natSecurityGroup: (args) => {
        args.ingress = [
          { description: "NAT for the private subnets", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: [vpcCidr] },
          { description: "sst tunnel (SSH, key only)", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
        ];
      },
    },
  });
  const region = aws.getRegionOutput().region;

  const endpointSecurityGroup = new aws.ec2.SecurityGroup("EndpointSecurityGroup", {
    vpcId: vpc.id,
    description: "HTTPS from inside the VPC to interface endpoints",
    ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [vpc.nodes.vpc.cidrBlock] }],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  });

  // Private DNS makes the API's normal execute-api hostname resolve to this endpoint inside the VPC.
  const executeApi = new aws.ec2.VpcEndpoint("ExecuteApiEndpoint", {
    vpcId: vpc.id,
    serviceName: $interpolate`com.amazonaws.${region}.execute-api`,
    vpcEndpointType: "Interface",
    privateDnsEnabled: true,
    subnetIds: vpc.privateSubnets,
    securityGroupIds: [endpointSecurityGroup.id],
  });

  // Gateway endpoints are free and keep session and item reads off the NAT.
  const dynamoDb = new aws.ec2.VpcEndpoint("DynamoDbEndpoint", {
    vpcId: vpc.id,
    serviceName: $interpolate`com.amazonaws.${region}.dynamodb`,
    vpcEndpointType: "Gateway",
    routeTableIds: vpc.nodes.privateRouteTables.apply((tables) => tables.map((table) => table.id)),
  });

  // A KMS interface endpoint costs two AZ-hours around the clock; it pays off only in
  // production, where it keeps data-key calls working without the NAT and off the internet.
  const kms = production
    ? new aws.ec2.VpcEndpoint("KmsEndpoint", {
        vpcId: vpc.id,
        serviceName: $interpolate`com.amazonaws.${region}.kms`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: vpc.privateSubnets,
        securityGroupIds: [endpointSecurityGroup.id],
      })
    : undefined;

  return { vpc, executeApiEndpointId: executeApi.id, endpoints: { executeApi, dynamoDb, kms } };
}

/**
 * Another stage's VPC (its owner created it with this file): its subnets,
 * NAT and bastion come from `sst.aws.Vpc.get`, and the private API
 * attaches to the owner's execute-api endpoint, since a VPC can have only
 * one endpoint with private DNS per service.
 */
function sharedNetwork(vpcId: string): Network {
  const vpc = sst.aws.Vpc.get("Vpc", vpcId);
  const region = aws.getRegionOutput().region;
  const executeApi = aws.ec2.getVpcEndpointOutput({
    vpcId,
    serviceName: $interpolate`com.amazonaws.${region}.execute-api`,
    state: "available",
  });
  return { vpc, executeApiEndpointId: executeApi.id, endpoints: undefined };
}
