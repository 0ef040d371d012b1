/**
 * CPU time and memory of other processes (the line bench's `hotline start` children), read from
 * Linux's /proc: a figure of the whole line is this process's and every child's together.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Clock ticks a second, the unit of /proc/PID/stat's CPU times (100 on Linux, nearly always). */
const TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * @param pid a running process
 * @returns its CPU time so far, user and system, all threads, in ms (0 once it is gone)
 */
export function cpuMsOf(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  // "PID (COMM) STATE PPID …": the name may hold spaces, so fields count from its closing ')';
  // utime and stime are fields 14 and 15, the 12th and 13th after the state's.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

/**
 * @param pid a running process
 * @returns its resident set, MB (0 once it is gone)
 */
export function rssMbOf(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/**
 * CPU time of this process and of some children, together.
 *
 * @param pids the children
 * @returns ms of CPU so far: this process (`process.cpuUsage()`) and the children apart
 */
export function cpuOfAll(pids: readonly number[]): { own: number; children: number } {
  const own = process.cpuUsage();
  return {
    own: (own.user + own.system) / 1000,
    children: pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0),
  };
}
