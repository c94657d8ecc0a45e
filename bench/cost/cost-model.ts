import { round } from "../lib/stats.ts";

/**
 * AWS list prices, us-east-1, on-demand, in USD (checked for the 2026 price
 * pages; change them here when AWS does). Free tiers are left out so the
 * figures hold for any account.
 */
export const prices = {
  lambdaGbSecond: 0.0000166667,
  lambdaRequest: 0.2 / 1e6,
  dynamodbReadRequestUnit: 0.125 / 1e6,
  dynamodbWriteRequestUnit: 0.625 / 1e6,
  kmsRequest: 0.03 / 1e4,
  apiGatewayRestRequest: 3.5 / 1e6,
  cloudFrontHttpsRequest: 0.01 / 1e4,
  cloudFrontGbOut: 0.085,
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  albHour: 0.0225,
  albLcuHour: 0.008,
  hoursPerMonth: 730,
} as const;

/** What the model takes from the run (counts per request) and what it must assume (AWS-side latencies). */
export interface CostInputs {
  /** The BFF's own time per warm request (warm p50 less the local GetItem), ms. */
  bffOwnMs: number;
  /** Session reads, writes and KMS calls per request, as counted. */
  readsPerRequest: number;
  writesPerRequest: number;
  kmsPerRequest: number;
  /** Read request units per session read (strongly consistent, 4 KB each), from the session item's size. */
  readUnitsPerRead: number;
  /** Authorizer time per invocation (warm p50), ms. */
  authorizerMs: number;
}

export interface CostAssumptions {
  bffMemoryMb: number;
  authorizerMemoryMb: number;
  /** A GetItem in the same region, ms. */
  awsGetItemMs: number;
  /** The private API's answer as the BFF waits for it (API Gateway + items Lambda + DynamoDB), ms. */
  upstreamMs: number;
  /** Share of requests that reach the authorizer (its result is cached per token for 300 s). */
  authorizerInvocationShare: number;
  /** Share of requests that land on a fresh Lambda instance (one KMS Decrypt each). */
  coldStartShare: number;
  /** Average response size through CloudFront, KB. */
  responseKb: number;
}

export const defaultAssumptions: CostAssumptions = {
  bffMemoryMb: 512,
  authorizerMemoryMb: 256,
  awsGetItemMs: 4,
  upstreamMs: 30,
  authorizerInvocationShare: 0.1,
  coldStartShare: 0.005,
  responseKb: 2,
};

export interface CostLine {
  item: string;
  usdPerMillion: number;
  basis: string;
}

export interface CostModel {
  assumptions: CostAssumptions;
  /** Per million authenticated API calls, the BFF's own share (what seed 000's Apache does). */
  perMillion: CostLine[];
  totalPerMillion: number;
  /** Shared by both designs, shown for the full bill: API Gateway and the SPA's CDN. */
  sharedPerMillion: CostLine[];
  /** Seed 000: always-on Fargate (0.5 vCPU, 1 GB) behind an ALB, 2 tasks for availability. */
  fargateMonthly: { tasks: number; usd: number; basis: string };
  /** Monthly BFF cost at given volumes, serverless vs seed 000. */
  byVolume: { callsPerMonth: number; serverlessUsd: number; fargateAlbUsd: number }[];
}

/** Lambda bills whole milliseconds per invocation. */
function lambdaUsd(ms: number, memoryMb: number): number {
  return Math.ceil(ms) * (memoryMb / 1024) * (1 / 1000) * prices.lambdaGbSecond + prices.lambdaRequest;
}

/** Per-million cost of the BFF layer, computed from the counts the warm run measured. */
export function computeCostModel(inputs: CostInputs, assumptions: CostAssumptions = defaultAssumptions): CostModel {
  const million = 1e6;
  const bffMs = inputs.bffOwnMs + inputs.readsPerRequest * assumptions.awsGetItemMs + assumptions.upstreamMs;
  const perMillion: CostLine[] = [
    {
      item: "Lambda (BFF)",
      usdPerMillion: lambdaUsd(bffMs, assumptions.bffMemoryMb) * million,
      basis: `${Math.ceil(bffMs)} ms billed x ${assumptions.bffMemoryMb} MB (own ${round(inputs.bffOwnMs, 2)} ms + ${assumptions.awsGetItemMs} ms GetItem + ${assumptions.upstreamMs} ms waiting on the API) + request`,
    },
    {
      item: "DynamoDB (sessions)",
      usdPerMillion:
        (inputs.readsPerRequest * inputs.readUnitsPerRead * prices.dynamodbReadRequestUnit +
          inputs.writesPerRequest * prices.dynamodbWriteRequestUnit) *
        million,
      basis: `${inputs.readsPerRequest} strongly consistent read(s) x ${inputs.readUnitsPerRead} RRU, ${inputs.writesPerRequest} writes per call (idle touch <= 1 per session per 5 min)`,
    },
    {
      item: "KMS",
      usdPerMillion: (inputs.kmsPerRequest + assumptions.coldStartShare) * prices.kmsRequest * million,
      basis: `${inputs.kmsPerRequest} per warm call + 1 Decrypt per cold start (${assumptions.coldStartShare * 100}% of calls)`,
    },
    {
      item: "Lambda (authorizer)",
      usdPerMillion: assumptions.authorizerInvocationShare * lambdaUsd(inputs.authorizerMs, assumptions.authorizerMemoryMb) * million,
      basis: `${assumptions.authorizerInvocationShare * 100}% of calls miss API Gateway's authorizer cache, ${Math.ceil(inputs.authorizerMs)} ms x ${assumptions.authorizerMemoryMb} MB`,
    },
    {
      item: "CloudFront (/api/* requests)",
      usdPerMillion: (prices.cloudFrontHttpsRequest + (assumptions.responseKb / 1024 / 1024) * prices.cloudFrontGbOut) * million,
      basis: `HTTPS request + ${assumptions.responseKb} KB out; seed 000 calls its ALB directly instead`,
    },
  ].map((line) => ({ ...line, usdPerMillion: round(line.usdPerMillion, 4) }));
  const totalPerMillion = round(
    perMillion.reduce((sum, line) => sum + line.usdPerMillion, 0),
    4,
  );
  const sharedPerMillion: CostLine[] = [
    { item: "API Gateway (private REST)", usdPerMillion: round(prices.apiGatewayRestRequest * million, 2), basis: "both designs call it" },
  ];
  const tasks = 2;
  const fargateUsd = round(
    tasks * prices.hoursPerMonth * (0.5 * prices.fargateVcpuHour + 1 * prices.fargateGbHour) +
      prices.hoursPerMonth * (prices.albHour + prices.albLcuHour),
    2,
  );
  const byVolume = [1e6, 1e7, 1e8].map((callsPerMonth) => ({
    callsPerMonth,
    serverlessUsd: round((totalPerMillion * callsPerMonth) / million, 2),
    fargateAlbUsd: fargateUsd,
  }));
  return {
    assumptions,
    perMillion,
    totalPerMillion,
    sharedPerMillion,
    fargateMonthly: {
      tasks,
      usd: fargateUsd,
      basis: `${tasks} x (0.5 vCPU + 1 GB) x 730 h + ALB hour + 1 LCU; fixed whatever the traffic (more tasks above their capacity)`,
    },
    byVolume,
  };
}
