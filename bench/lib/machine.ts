import { cpus, release, totalmem, type } from "node:os";

/** The machine a run came from: numbers are only comparable on the same one. */
export interface MachineInfo {
  cpus: number;
  model: string;
  memoryGb: number;
  node: string;
  os: string;
  date: string;
}

export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model.trim() ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${type()} ${release()}`,
    date: new Date().toISOString(),
  };
}
