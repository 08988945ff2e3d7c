/**
 * The Cosmos DB emulator as a process of its own (started by `startCosmosProcess`), so that a
 * test can pause it (SIGSTOP) as a machine or network stops answering. Prints its endpoint.
 */
import { startEmbeddedCosmos } from "../../bot/store/embedded.js";

const cosmos = await startEmbeddedCosmos(0);
console.log(JSON.stringify({ endpoint: cosmos.endpoint, key: cosmos.key }));
process.once("SIGTERM", () => void cosmos.close().then(() => process.exit(0)));
