/**
 * The load suite's Cosmos DB: the Cosmos-protocol emulator (bot/store/embedded.ts) as a process of
 * its own, on a free loopback port. Prints one JSON line, `{ endpoint, key }`, once it listens;
 * stops on SIGTERM or SIGINT.
 */
import { startEmbeddedCosmos } from "../../bot/store/embedded.js";

const cosmos = await startEmbeddedCosmos(0);
console.log(JSON.stringify({ endpoint: cosmos.endpoint, key: cosmos.key }));

const stop = () => void cosmos.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
