import type { Config } from "./config.js";
import type { Clocks } from "./escalations/due.js";
import type { ProfileSource } from "./graph/profiles.js";
import type { Outbox } from "./outbox/outbox.js";
import type { CaseStore } from "./store/case-store.js";
import type { DraftStore } from "./store/draft-store.js";
import type { OutboxStore } from "./store/outbox-store.js";
import type { CaseChannel, SettingsStore } from "./store/settings-store.js";
import type { TeamRosters } from "./teams/roster.js";

/** What the Teams edge works with, built once by the composition root. */
export interface Services {
  readonly config: Config;
  readonly cases: CaseStore;
  readonly drafts: DraftStore;
  readonly settings: SettingsStore;
  readonly outboxStore: OutboxStore;
  readonly outbox: Outbox;
  readonly profiles: ProfileSource;
  /** Teams' member lists, kept briefly (the CME team's members are its officers). */
  readonly rosters: TeamRosters;
  /** The escalation policy and the calendar its clocks count in. */
  readonly clocks: Clocks;
  readonly now: () => Date;
}

/** The CME case channel: as set up in Teams (stored), or as preset by configuration. */
export async function caseChannel(
  services: Pick<Services, "settings" | "config">,
): Promise<CaseChannel | undefined> {
  return (await services.settings.caseChannel()) ?? services.config.presetChannel;
}
