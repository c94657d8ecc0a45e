import type { BundleFigures } from "../bundles/measure-bundles.ts";
import type { ColdStartFigures } from "../cold-start/measure-cold-start.ts";
import type { CostModel } from "../cost/cost-model.ts";
import type { LambdaNode } from "../lib/lambda-node.ts";
import type { MachineInfo } from "../lib/machine.ts";
import type { LoadPair } from "../load/measure-load.ts";
import type { InstanceMemoryFigures } from "../load/pool-watch.ts";
import type { PeerResult } from "../peer/run-peer.ts";
import type { AuthorizerWarmResult } from "../warm/measure-authorizer-warm.ts";
import type { BffWarmResult } from "../warm/measure-bff-warm.ts";

export type LambdaKey = "bff" | "authorizer" | "api" | "m2m";

/** One target of the issue and whether this run met it (informational: the bench never fails on a timing). */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** The warm BFF on this machine's Node, when the bench measured it on another (the Lambda runtime's). */
export type MachineNodeWarm = Pick<BffWarmResult, "p50Ms" | "cpuMsPerRequest" | "cpuMsPerSequentialRequest" | "floor"> & { node: string };

/** bench/results.json. */
export interface BenchResults {
  /** `lambdaNode`: the Node the functions' processes ran on (cold starts, the warm BFF, the edge + BFF). */
  machine: MachineInfo & { lambdaNode: Omit<LambdaNode, "path"> };
  options: { coldStartRuns: number; loadSeconds: number; peer: boolean; pooledMaxConnections: number };
  bundles: Record<LambdaKey, Omit<BundleFigures, "file">>;
  coldStart: Record<LambdaKey, ColdStartFigures>;
  warm: { bff: BffWarmResult; authorizer: AuthorizerWarmResult; bffOnMachineNode?: MachineNodeWarm };
  load: Record<string, LoadPair>;
  /** The warm BFF `/api` instances of the platform's pool after the load run. */
  memory: InstanceMemoryFigures | undefined;
  peer: PeerResult | { skipped: string };
  costModel: CostModel;
  targets: TargetCheck[];
}

const kib = 1024;

/** The targets, checked against this run's figures. */
export function checkTargets(results: Omit<BenchResults, "targets">): TargetCheck[] {
  const { bundles, coldStart, warm, load, peer, machine } = results;
  const per = warm.bff.perRequest;
  const checks: TargetCheck[] = [
    {
      target: "warm proxy request: 1 DynamoDB read, 0 writes, 0 KMS, 0 IdP",
      measured: `${JSON.stringify(per.dynamodb)}, writes ${per.dynamodbWrites}, KMS ${per.kms}, IdP ${per.idp}`,
      met:
        per.dynamodb.GetItem === 1 && Object.keys(per.dynamodb).length === 1 && per.dynamodbWrites === 0 && per.kms === 0 && per.idp === 0,
    },
    {
      target: "authorizer: 0 network calls on a warm path",
      measured: `${warm.authorizer.networkCallsPer1000} per 1000`,
      met: warm.authorizer.networkCallsPer1000 === 0,
    },
    {
      target: "BFF bundle <= 450 KiB minified",
      measured: `${(bundles.bff.minifiedBytes / kib).toFixed(1)} KiB`,
      met: bundles.bff.minifiedBytes <= 450 * kib,
    },
    {
      target: "authorizer bundle <= 120 KiB minified",
      measured: `${(bundles.authorizer.minifiedBytes / kib).toFixed(1)} KiB`,
      met: bundles.authorizer.minifiedBytes <= 120 * kib,
    },
    { target: "BFF cold import <= 120 ms median", measured: `${coldStart.bff.importP50Ms} ms`, met: coldStart.bff.importP50Ms <= 120 },
  ];
  const c16 = load.c16;
  if (c16)
    checks.push({ target: "BFF added p50 at c16 (less one GetItem) <= 1 ms", measured: `${c16.addedP50Ms} ms`, met: c16.addedP50Ms <= 1 });
  const c64 = load.c64;
  if (c64) checks.push({ target: "zero errors at c64", measured: `${c64.bff.errors} errors`, met: c64.bff.errors === 0 });
  const floor = warm.bff.floor;
  const onMachine = warm.bffOnMachineNode;
  checks.push({
    target: "BFF CPU per warm request <= 0.5 ms",
    measured:
      `${warm.bff.cpuMsPerRequest} ms on Node ${machine.lambdaNode.version} (${warm.bff.cpuMsPerSequentialRequest} ms one at a time, ` +
      `of which SDK GetItem ${floor.getItemCpuMs} + upstream GET ${floor.upstreamGetCpuMs})` +
      (onMachine ? `; ${onMachine.cpuMsPerRequest} ms on Node ${onMachine.node}` : ""),
    met: warm.bff.cpuMsPerRequest <= 0.5,
  });
  if ("loads" in peer) {
    for (const level of ["c16", "c64"] as const) {
      const ours = load[level]?.bff;
      const apache = peer.loads[level]?.apache;
      if (!ours || !apache) continue;
      checks.push({
        target: `through the edge at ${level}: rps >= Apache + mod_auth_openidc and p50 <= its p50`,
        measured: `BFF ${ours.rps} rps, p50 ${ours.p50Ms} ms; Apache ${apache.rps} rps, p50 ${apache.p50Ms} ms`,
        met: ours.rps >= apache.rps && ours.p50Ms <= apache.p50Ms,
      });
    }
  }
  return checks;
}
