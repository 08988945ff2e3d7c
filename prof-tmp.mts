import { startEmbeddedCosmos } from "./bot/store/embedded.js";
import { createCosmosClient, openContainers } from "./bot/store/cosmos.js";
import { CaseStore } from "./bot/store/case-store.js";
import { SettingsStore } from "./bot/store/settings-store.js";
import { loadConfig } from "./bot/config.js";
import { createCalendar } from "./bot/escalations/calendar.js";
import { bankHolidaysInEngland } from "./bot/escalations/bank-holidays.js";
import { seedCases } from "./test/support/seeding.js";
import { people, personalMessage, startHarness } from "./test/support/harness.js";
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
const config = loadConfig({});
const cosmos = await startEmbeddedCosmos();
const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key }, 600000);
const containers = await openContainers(client, "p");
await seedCases({ cases: new CaseStore(containers.cases), settings: new SettingsStore(containers.settings), clocks: { policy: config.escalationPolicy, calendar: createCalendar(bankHolidaysInEngland, config.termDates) } }, { cases: Number(process.env.N ?? 2000), years: 1, seed: 3, now: new Date() });
const h = await startHarness({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key, COSMOS_DATABASE: "p", MESSAGES_PER_SECOND: "100000", STORE_DEADLINE_MS: "5000" });
const session = new Session(); session.connect(); await session.post("Profiler.enable"); await session.post("Profiler.start");
for (const command of ["status","report referrals","report referrals-on","report outcomes","report time-to-close","report long-running","report leavers","report reached-school-age","dfe return"]) {
  for (let i = 0; i < 3; i++) await h.send(personalMessage(h.teams, people.manager, command));
}
const { profile } = await session.post("Profiler.stop");
writeFileSync(process.env.OUT ?? "/tmp/h/commands.cpuprofile", JSON.stringify(profile));
await h.close(); await cosmos.close(); client.dispose();
