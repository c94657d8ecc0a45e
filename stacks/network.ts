import { isProduction } from "./stage.ts";

/** The VPC and the endpoints that keep AWS traffic off the NAT. */
export interface Network {
  vpc: sst.aws.Vpc;
  /** execute-api interface endpoint: the only way into the private REST API. */
  executeApiEndpoint: aws.ec2.VpcEndpoint;
  dynamoDbEndpoint: aws.ec2.VpcEndpoint;
  kmsEndpoint: aws.ec2.VpcEndpoint | undefined;
}

/**
 * Two AZs. NAT: the functions only reach the internet for Cognito's token,
 * revoke and JWKS endpoints (a few KB per login), so traffic cost is nothing
 * and the hourly price dominates. Dev stages use SST's `ec2` NAT (fck-nat on
 * t4g.nano, about a tenth of a NAT Gateway); production uses managed NAT
 * Gateways because they need no patching and fail over within their AZ,
 * which a single instance does not.
 */
export function createNetwork(): Network {
  const production = isProduction();
  const vpc = new sst.aws.Vpc("Vpc", {
    az: 2,
    nat: production ? "managed" : "ec2",
    // `sst tunnel` needs a bastion to reach the private API from a laptop; production has no shell host.
    bastion: !production,
  });
  const region = aws.getRegionOutput().region;

  const endpointSecurityGroup = new aws.ec2.SecurityGroup("EndpointSecurityGroup", {
    vpcId: vpc.id,
    description: "HTTPS from inside the VPC to interface endpoints",
    ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [vpc.nodes.vpc.cidrBlock] }],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  });

  // Private DNS makes the API's normal execute-api hostname resolve to this endpoint inside the VPC.
  const executeApiEndpoint = new aws.ec2.VpcEndpoint("ExecuteApiEndpoint", {
    vpcId: vpc.id,
    serviceName: $interpolate`com.amazonaws.${region}.execute-api`,
    vpcEndpointType: "Interface",
    privateDnsEnabled: true,
    subnetIds: vpc.privateSubnets,
    securityGroupIds: [endpointSecurityGroup.id],
  });

  // Gateway endpoints are free and keep session and item reads off the NAT.
  const dynamoDbEndpoint = new aws.ec2.VpcEndpoint("DynamoDbEndpoint", {
    vpcId: vpc.id,
    serviceName: $interpolate`com.amazonaws.${region}.dynamodb`,
    vpcEndpointType: "Gateway",
    routeTableIds: vpc.nodes.privateRouteTables.apply((tables) => tables.map((table) => table.id)),
  });

  // A KMS interface endpoint costs two AZ-hours around the clock; it pays off only in
  // production, where it keeps data-key calls working without the NAT and off the internet.
  const kmsEndpoint = production
    ? new aws.ec2.VpcEndpoint("KmsEndpoint", {
        vpcId: vpc.id,
        serviceName: $interpolate`com.amazonaws.${region}.kms`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: vpc.privateSubnets,
        securityGroupIds: [endpointSecurityGroup.id],
      })
    : undefined;

  return { vpc, executeApiEndpoint, dynamoDbEndpoint, kmsEndpoint };
}
