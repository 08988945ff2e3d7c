import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { everyLogLine } from "../support/harness.js";

const repository = fileURLToPath(new URL("../..", import.meta.url));
/** A cold tsx compile on 2 shared cores can take a while (the load suite allows as long). */
const startWithinMs = 90_000;
/** How long SIGTERM is given before SIGKILL. */
const stopGraceMs = 10_000;

/** A process of ours (tsx), its lines read as they come. */
export interface RunningProcess {
  readonly pid: number;
  /** Every line it printed (stdout). */
  readonly lines: string[];
  /** SIGSTOP: the process stops answering; the kernel still takes connections. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (resumed first), SIGKILL if it is still there after 10 s, and wait until it is gone. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Starts `node --import tsx <entry>` in the repository with exactly this environment (and PATH),
 * and resolves once a line of its stdout matches `ready` (with the match), or fails after 90 s
 * (the process killed). `onLine` sees every line it prints, on stdout and on stderr.
 */
async function startProcess(
  entry: string,
  env: Record<string, string>,
  ready: RegExp,
  onLine: (line: string, stream: "stdout" | "stderr") => void = () => {},
): Promise<{ running: RunningProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: repository,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const errors: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    errors.push(line);
    onLine(line, "stderr");
  });
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
  };
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind the suite (mocha's --exit would orphan it).
      signal("SIGKILL");
      reject(new Error(`${entry} did not start within ${startWithinMs} ms: ${errors.join("\n")}`));
    }, startWithinMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (${code}) before it was ready: ${errors.join("\n")}`));
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line);
      onLine(line, "stdout");
      const found = ready.exec(line);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  return {
    match,
    running: {
      pid: child.pid ?? 0,
      lines,
      pause: () => signal("SIGSTOP"),
      resume: () => signal("SIGCONT"),
      async kill() {
        signal("SIGKILL");
        await exited(child);
      },
      async stop() {
        signal("SIGCONT");
        signal("SIGTERM");
        const killer = setTimeout(() => signal("SIGKILL"), stopGraceMs);
        await exited(child);
        clearTimeout(killer);
      },
    },
  };
}

/** The Cosmos DB emulator in a process of its own, on a free loopback port. */
export interface CosmosProcess extends RunningProcess {
  readonly endpoint: string;
  readonly key: string;
}

export async function startCosmosProcess(): Promise<CosmosProcess> {
  const { running, match } = await startProcess("test/faults/cosmos-main.ts", {}, /^\{.*"endpoint".*\}$/);
  const { endpoint, key } = JSON.parse(match[0]) as { endpoint: string; key: string };
  return { ...running, endpoint, key };
}

/**
 * The bot as `npm start` runs it (bot/index.ts), in a process of its own, on a free port. Its log
 * lines and everything it prints on stderr (a crash's stack, a warning) go to the log audit.
 */
export interface BotProcess extends RunningProcess {
  readonly url: string;
  /** Its log lines (JSON), also handed to the log audit. */
  readonly logLines: string[];
  send(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
}

export async function startBotProcess(env: Record<string, string>): Promise<BotProcess> {
  const logLines: string[] = [];
  const { running, match } = await startProcess(
    "bot/index.ts",
    { PORT: "0", ...env },
    /listening on (http:\/\/[^/\s]+)\/api\/messages/,
    (line, stream) => {
      if (stream === "stdout" && !line.startsWith("{")) return;
      if (stream === "stdout") logLines.push(line);
      everyLogLine.push(line);
    },
  );
  const url = match[1] ?? "";
  return {
    ...running,
    url,
    logLines,
    async send(activity) {
      const response = await fetch(`${url}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(activity),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
  };
}
