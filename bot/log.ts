import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { pino, type DestinationStream } from "pino";

/**
 * Structured log lines (one JSON object each). Callers pass an event name and ids; anything
 * under a key that can hold personal data is redacted on the way out, as a second line of
 * defence. Every line written during a turn carries that turn's correlation id.
 */
export type Log = (event: string, fields?: Record<string, unknown>) => void;

/** Keys whose values may be a child's, a family's or a referrer's details, or a secret: never written. */
export const redactedKeys = [
  "name",
  "forenames",
  "surname",
  "knownAs",
  "dateOfBirth",
  "address",
  "postcode",
  "phone",
  "email",
  "text",
  "note",
  "answer",
  "question",
  "reason",
  "detail",
  "referral",
  "answers",
  "typed",
  "value",
  "upn",
  "matchKeys",
  "nameAndBirth",
  "ethnicity",
  "nationality",
  "socialWorker",
  "dslName",
  "riskAppraisal",
  "possibleDestination",
  "destinationLa",
  "destinationSchool",
  "contacted",
  "outcome",
  // Secrets, should one ever be passed by mistake.
  "password",
  "secret",
  "clientSecret",
  "key",
  "token",
  "authorization",
];

const turns = new AsyncLocalStorage<string>();

/** Runs `work` as one turn: every line it logs carries the same new correlation id. */
export function inTurn<T>(work: () => Promise<T>): Promise<T> {
  return turns.run(randomUUID(), work);
}

/** The JSON logger: to stdout, or to `destination` (tests read the lines back). */
export function jsonLog(destination?: DestinationStream): Log {
  const logger = pino(
    {
      base: { service: "cme-referrals" },
      messageKey: "event",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: redactedKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
        censor: "[redacted]",
      },
      mixin: () => {
        const correlationId = turns.getStore();
        return correlationId ? { correlationId } : {};
      },
    },
    // Synchronous: a line is never lost when the process stops.
    destination ?? pino.destination({ sync: true }),
  );
  return (event, fields = {}) => logger.info(fields, event);
}

export const silentLog: Log = () => undefined;
