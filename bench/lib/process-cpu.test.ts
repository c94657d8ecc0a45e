import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseStat, treeCpuMs } from "./process-cpu.ts";

describe("parseStat", () => {
  it("reads the pid, the parent and user + system time in ms, with spaces and parentheses in the command name", () => {
    const line = "4242 (node (bench) x) S 17 4242 17 0 -1 4194560 900 0 0 0 250 31 0 0 20 0 11 0 12345 1000000 2000 18446744073709551615";
    expect(parseStat(line)).toEqual({ pid: 4242, ppid: 17, cpuMs: 2810 });
  });

  it("gives nothing for a line that is not a stat line", () => {
    expect(parseStat("no parentheses here")).toBeUndefined();
  });
});

describe.skipIf(!existsSync("/proc/self/stat"))("treeCpuMs", () => {
  it("counts a child's CPU in its parent's tree unless the child is named on its own", async () => {
    // Prepare: a child that burns CPU, says so, then idles until its stdin closes
    const child = spawn(
      process.execPath,
      [
        "-e",
        "const end=process.cpuUsage().user+300000;while(process.cpuUsage().user<end){}process.stdout.write('burnt\\n');process.stdin.resume()",
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      const pid = child.pid ?? 0;
      // Act
      const named = await treeCpuMs({ parent: process.pid, child: pid });
      const alone = await treeCpuMs({ parent: process.pid });
      // Assess
      expect(named.child).toBeGreaterThanOrEqual(250);
      expect(alone.parent).toBeGreaterThanOrEqual((named.parent ?? 0) + (named.child ?? 0) - 20);
      expect(named.parent).toBeLessThan(alone.parent ?? 0);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      await exited;
    }
  });

  it("leaves out a process that does not exist", async () => {
    expect(await treeCpuMs({ gone: 2 ** 22 + 1 })).toEqual({});
  });
});
