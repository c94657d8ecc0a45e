import { expect } from "vitest";
import { asList, get, lambda, ofType, resource } from "./helpers.ts";
import { type Check, check } from "./types.ts";

const privateSubnets = ["vpcprivatesubnet1-dd4c7996", "vpcprivatesubnet2-f9f62dfd"];

export const networkChecks: Check[] = [
  check(
    "network.dev-vpc",
    "a dev stage has a two-AZ VPC with private subnets, EC2 NAT and a bastion for sst tunnel",
    ["dev"],
    ({ dev }) => {
      const subnets = ofType(dev.resources, "aws:ec2/subnet:Subnet");
      expect(subnets.map((s) => s.name).sort()).toEqual(["VpcPrivateSubnet1", "VpcPrivateSubnet2", "VpcPublicSubnet1", "VpcPublicSubnet2"]);
      const instances = ofType(dev.resources, "aws:ec2/instance:Instance");
      expect(instances.map((i) => i.name).filter((n) => n.startsWith("VpcNatInstance"))).toHaveLength(2);
      // With EC2 NAT, SST makes one NAT instance the bastion `sst tunnel` connects through.
      expect(instances.filter((i) => get(i.inputs, "tags", "sst:is-bastion") === "true")).toHaveLength(1);
      expect(ofType(dev.resources, "tls:index/privateKey:PrivateKey")).toHaveLength(1);
      expect(ofType(dev.resources, "aws:ec2/natGateway:NatGateway")).toHaveLength(0);
      // The security groups below open to this range; SST hard-codes it (vpc.ts).
      expect(resource(dev.resources, "aws:ec2/vpc:Vpc", "VpcVpc").inputs.cidrBlock).toBe("10.0.0.0/16");
    },
  ),

  check("network.production-vpc", "production uses managed NAT gateways and has no bastion host", ["production"], ({ production }) => {
    expect(ofType(production.resources, "aws:ec2/natGateway:NatGateway")).toHaveLength(2);
    expect(ofType(production.resources, "aws:ec2/instance:Instance")).toHaveLength(0);
    expect(ofType(production.resources, "tls:index/privateKey:PrivateKey")).toHaveLength(0);
  }),

  check(
    "network.endpoints",
    "the VPC has an execute-api interface endpoint with private DNS, a DynamoDB gateway endpoint, and a KMS endpoint in production",
    ["dev", "production"],
    ({ dev, production }) => {
      const executeApi = resource(dev.resources, "aws:ec2/vpcEndpoint:VpcEndpoint", "ExecuteApiEndpoint");
      expect(executeApi.inputs).toMatchObject({
        serviceName: "com.amazonaws.eu-west-1.execute-api",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
      });
      expect(executeApi.inputs.subnetIds).toEqual(privateSubnets);
      const dynamo = resource(dev.resources, "aws:ec2/vpcEndpoint:VpcEndpoint", "DynamoDbEndpoint");
      expect(dynamo.inputs).toMatchObject({ serviceName: "com.amazonaws.eu-west-1.dynamodb", vpcEndpointType: "Gateway" });
      expect(asList(dynamo.inputs.routeTableIds as string[])).toHaveLength(2);
      expect(ofType(dev.resources, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.name)).not.toContain("KmsEndpoint");
      const kms = resource(production.resources, "aws:ec2/vpcEndpoint:VpcEndpoint", "KmsEndpoint");
      expect(kms.inputs).toMatchObject({
        serviceName: "com.amazonaws.eu-west-1.kms",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
      });
    },
  ),

  check(
    "network.endpoint-ingress",
    "the interface endpoints accept HTTPS (443) from inside the VPC only",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const group = resource(run.resources, "aws:ec2/securityGroup:SecurityGroup", "EndpointSecurityGroup");
        expect(group.inputs.ingress).toEqual([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }]);
        for (const endpoint of ofType(run.resources, "aws:ec2/vpcEndpoint:VpcEndpoint").filter(
          (e) => e.inputs.vpcEndpointType === "Interface",
        )) {
          expect(endpoint.inputs.securityGroupIds, endpoint.name).toEqual([group.id]);
        }
      }
    },
  ),

  check(
    "network.nat-ingress",
    "the NAT instances accept traffic from the VPC only, and SSH (sst tunnel, key auth) from anywhere: no other port is open to the internet",
    ["dev"],
    ({ dev }) => {
      const group = resource(dev.resources, "aws:ec2/securityGroup:SecurityGroup", "VpcNatInstanceSecurityGroup");
      const ingress = group.inputs.ingress as { protocol: string; fromPort: number; toPort: number; cidrBlocks: string[] }[];
      const fromAnywhere = ingress.filter((rule) => rule.cidrBlocks.includes("0.0.0.0/0"));
      expect(fromAnywhere).toEqual([expect.objectContaining({ protocol: "tcp", fromPort: 22, toPort: 22 })]);
      expect(ingress.filter((rule) => !rule.cidrBlocks.includes("0.0.0.0/0")).flatMap((rule) => rule.cidrBlocks)).toEqual(["10.0.0.0/16"]);
    },
  ),

  check(
    "network.functions-in-vpc",
    "the BFF's functions and the M2M job run in the private subnets (the only way to the private API)",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        for (const name of ["BffAuth", "BffApi", "BffFiles", "M2mJobHandler"]) {
          const fn = lambda(run, name);
          expect(get(fn.inputs, "vpcConfig", "subnetIds"), name).toEqual(privateSubnets);
          expect(asList(get(fn.inputs, "vpcConfig", "securityGroupIds") as string[]), name).toHaveLength(1);
        }
      }
    },
  ),
];
