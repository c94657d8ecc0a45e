import { readdir, readFile } from "node:fs/promises";

/**
 * CPU time of whole process trees, read from Linux's `/proc` (user + system,
 * every thread, children included while they run), so a load run can say how
 * much CPU each server spent per request: the edge and BFF, the platform's
 * gateway and DynamoDB, Apache, and the load generator itself. Elsewhere
 * than Linux it reads nothing and the bench leaves the figures out.
 */

/** Clock ticks per second of `/proc/<pid>/stat`'s times; 100 on every Linux the bench runs on. */
const ticksPerSecond = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  cpuMs: number;
}

export function parseStat(text: string): ProcStat | undefined {
  // The command name (field 2) is in parentheses and may hold spaces, so split after its closing one.
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  const fields = text.slice(close + 2).split(" ");
  // After the name: state, ppid, … utime is field 14 and stime field 15 of the whole line.
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(pid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return { pid, ppid, cpuMs: ((utime + stime) * 1000) / ticksPerSecond };
}

async function allProcesses(): Promise<ProcStat[]> {
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return [];
  }
  const stats = await Promise.all(
    entries.filter((entry) => /^\d+$/.test(entry)).map((entry) => readFile(`/proc/${entry}/stat`, "utf8").then(parseStat, () => undefined)),
  );
  return stats.filter((stat): stat is ProcStat => stat !== undefined);
}

/**
 * CPU milliseconds used so far by each named root process and its live
 * descendants, less any descendant that is itself a named root (the bench
 * starts every other server, so its own tree would hold them all).
 */
export async function treeCpuMs(roots: Readonly<Record<string, number>>): Promise<Record<string, number>> {
  const processes = await allProcesses();
  const children = new Map<number, ProcStat[]>();
  for (const stat of processes) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const byPid = new Map(processes.map((stat) => [stat.pid, stat]));
  const rootPids = new Set(Object.values(roots));
  const result: Record<string, number> = {};
  for (const [name, root] of Object.entries(roots)) {
    const start = byPid.get(root);
    if (!start) continue;
    let total = 0;
    const queue = [start];
    for (let next = queue.pop(); next; next = queue.pop()) {
      total += next.cpuMs;
      queue.push(...(children.get(next.pid) ?? []).filter((child) => !rootPids.has(child.pid)));
    }
    result[name] = total;
  }
  return result;
}
