import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** A process the suite started: every line it printed, and a way to wait for one. */
export interface Started {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first line (printed so far or later) that matches; rejects if it exits first or after `timeoutMs`. */
  lineMatching(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a TypeScript file under node with tsx's loader, from the repository's root. Run as
 * `node --import tsx` (what `tsx file` does in a child of its own) so that the pid is the
 * process doing the work: its memory is what is sampled.
 */
export function startTypeScript(file: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, ["--import", "tsx", file], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiting = new Set<() => void>();
  const take = (line: string) => {
    lines.push(line);
    for (const check of waiting) check();
  };
  if (child.stdout) createInterface({ input: child.stdout }).on("line", take);
  if (child.stderr) createInterface({ input: child.stderr }).on("line", take);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  return {
    child,
    lines,
    lineMatching(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`${file} printed no line matching ${pattern}`)),
          timeoutMs,
        );
        const finish = (error?: Error, found?: RegExpExecArray) => {
          clearTimeout(timer);
          waiting.delete(check);
          if (found) resolve(found);
          else reject(error ?? new Error(`${file} stopped`));
        };
        const check = () => {
          for (const line of lines) {
            const found = pattern.exec(line);
            if (found) return finish(undefined, found);
          }
          if (child.exitCode !== null) {
            finish(new Error(`${file} exited (${child.exitCode}):\n${lines.slice(-20).join("\n")}`));
          }
        };
        waiting.add(check);
        void exited.then(check);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** A process's resident memory now and at its peak (VmRSS, VmHWM), in MB; undefined once it has gone. */
export async function memoryOf(pid: number): Promise<{ rssMb: number; peakMb: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}
