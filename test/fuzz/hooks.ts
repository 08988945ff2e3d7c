/**
 * The hostile-input suite's root hooks: the seed printed first, a listener for unhandled
 * rejections and uncaught exceptions for the whole run, the figures printed last.
 */
import { figures, fuzzSeed, processFailures } from "./fuzz-support.js";

const recordFailure = (error: unknown) => {
  processFailures.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
};

export const mochaHooks = {
  beforeAll(): void {
    console.log(`  FUZZ_SEED=${fuzzSeed} (set it to replay this run; FUZZ_RUNS scales it)`);
    process.on("unhandledRejection", recordFailure);
    process.on("uncaughtException", recordFailure);
  },
  afterAll(): void {
    process.off("unhandledRejection", recordFailure);
    process.off("uncaughtException", recordFailure);
    console.log(figures());
    if (processFailures.length > 0)
      throw new Error(
        `${processFailures.length} unhandled failures, e.g. ${processFailures[0]} (FUZZ_SEED=${fuzzSeed})`,
      );
  },
};
