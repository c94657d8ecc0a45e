import { describe, expect, it } from "vitest";
import { computeCostModel, defaultAssumptions, prices } from "./cost-model.ts";

const measured = { bffOwnMs: 1.2, readsPerRequest: 1, writesPerRequest: 0, kmsPerRequest: 0, readUnitsPerRead: 1, authorizerMs: 0.05 };

describe("computeCostModel", () => {
  it("bills one read request unit per call for one strongly consistent session read", () => {
    // Act
    const model = computeCostModel(measured);
    // Assess
    const dynamodb = model.perMillion.find((line) => line.item === "DynamoDB (sessions)");
    expect(dynamodb?.usdPerMillion).toBeCloseTo(prices.dynamodbReadRequestUnit * 1e6, 6);
  });

  it("bills Lambda by whole milliseconds, including the wait on the API", () => {
    // Prepare
    const assumptions = { ...defaultAssumptions, bffMemoryMb: 1024, awsGetItemMs: 4, upstreamMs: 30 };
    // Act
    const model = computeCostModel(measured, assumptions);
    // Assess: ceil(1.2 + 4 + 30) = 36 ms at 1 GB, plus the request charge.
    const lambda = model.perMillion.find((line) => line.item === "Lambda (BFF)");
    expect(lambda?.usdPerMillion).toBeCloseTo((0.036 * prices.lambdaGbSecond + prices.lambdaRequest) * 1e6, 4);
  });

  it("charges KMS only for cold starts when a warm call makes no KMS request", () => {
    // Act
    const model = computeCostModel(measured, { ...defaultAssumptions, coldStartShare: 0.01 });
    // Assess
    const kms = model.perMillion.find((line) => line.item === "KMS");
    expect(kms?.usdPerMillion).toBeCloseTo(0.01 * prices.kmsRequest * 1e6, 6);
  });

  it("keeps the Fargate + ALB bill fixed whatever the volume", () => {
    // Act
    const model = computeCostModel(measured);
    // Assess
    const bills = new Set(model.byVolume.map((row) => row.fargateAlbUsd));
    expect(bills.size).toBe(1);
    expect(model.byVolume[2]?.serverlessUsd).toBeGreaterThan(model.byVolume[0]?.serverlessUsd ?? Number.POSITIVE_INFINITY);
  });
});
