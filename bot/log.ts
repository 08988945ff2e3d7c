/**
 * Structured log lines (one JSON object each) to stdout. Callers pass events and ids only:
 * never a child's or family's details.
 */
export type Log = (event: string, fields?: Record<string, unknown>) => void;

export function jsonLog(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Log {
  return (event, fields = {}) => write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));
}

export const silentLog: Log = () => undefined;
