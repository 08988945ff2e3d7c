import type { Config } from "./config.js";
import type { Clocks } from "./escalations/due.js";
import type { ProfileSource } from "./graph/profiles.js";
import type { CaseRepository } from "./cases/case-repository.js";
import type { KeptImports } from "./pupils/kept-imports.js";
import type { Outbox } from "./outbox/outbox.js";
import type { OutboxRepository } from "./outbox/outbox-repository.js";
import type { DraftRepository } from "./referrals/draft-repository.js";
import type { CaseReadings } from "./reports/case-readings.js";
import type { CaseChannel, Settings } from "./settings.js";
import type { TeamRosters } from "./teams/roster.js";

/** What the Teams edge works with, built once by the composition root. */
export interface Services {
  readonly config: Config;
  readonly cases: CaseRepository & CaseReadings;
  readonly drafts: DraftRepository;
  readonly settings: Settings;
  readonly outboxStore: OutboxRepository;
  readonly outbox: Outbox;
  readonly profiles: ProfileSource;
  /** Teams' member lists, kept briefly (the CME team's members are its officers). */
  readonly rosters: TeamRosters;
  /** The escalation policy and the calendar its clocks count in. */
  readonly clocks: Clocks;
  /** Pupil extracts' findings, in this instance's memory for an hour, for their cards' pages. */
  readonly extractImports: KeptImports;
  readonly now: () => Date;
}

/** The CME case channel: as set up in Teams (stored), or as preset by configuration. */
export async function caseChannel(
  services: Pick<Services, "settings" | "config">,
): Promise<CaseChannel | undefined> {
  return (await services.settings.caseChannel()) ?? services.config.presetChannel;
}
