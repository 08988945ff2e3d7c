import type { Container } from "@azure/cosmos";
import { z } from "zod";
import { personSchema } from "../people/person.js";
import { read, updateWithRetry, upsert } from "./documents.js";

export const caseChannelSchema = z.object({
  teamId: z.string(),
  channelId: z.string(),
  serviceUrl: z.string(),
  tenantId: z.string().optional(),
  setBy: personSchema.optional(),
  setAt: z.string().optional(),
});
export type CaseChannel = z.infer<typeof caseChannelSchema>;

export const installedTeamSchema = z.object({
  teamId: z.string(),
  name: z.string().optional(),
  serviceUrl: z.string(),
  tenantId: z.string().optional(),
  installedAt: z.string(),
  installedBy: personSchema.optional(),
});
export type InstalledTeam = z.infer<typeof installedTeamSchema>;

const caseChannelId = "case-channel";

interface CounterDocument {
  id: string;
  value: number;
}

export class SettingsStore {
  constructor(private readonly container: Container) {}

  async caseChannel(): Promise<CaseChannel | undefined> {
    const document = await read<CaseChannel>(this.container, caseChannelId);
    return document ? caseChannelSchema.parse(document) : undefined;
  }

  async setCaseChannel(channel: CaseChannel): Promise<void> {
    await upsert(this.container, { id: caseChannelId, ...channel });
  }

  /** What the retention sweep removed, kept without personal data: the audit that it happened. */
  async recordRetention(record: {
    reference: string;
    action: "purged";
    closedAt: string;
    at: string;
    yearsAfterClosure: number;
  }): Promise<void> {
    await upsert(this.container, { id: `retention|${record.reference}`, ...record });
  }

  async retentionRecord(reference: string) {
    return read<{ reference: string; action: string; closedAt: string; at: string }>(
      this.container,
      `retention|${reference}`,
    );
  }

  async recordTeam(team: InstalledTeam): Promise<void> {
    await upsert(this.container, { id: `team|${team.teamId}`, ...team });
  }

  async team(teamId: string): Promise<InstalledTeam | undefined> {
    const document = await read<InstalledTeam>(this.container, `team|${teamId}`);
    return document ? installedTeamSchema.parse(document) : undefined;
  }

  /** The next number of a named sequence (1, 2, 3 …), safe with several instances. */
  async nextInSequence(name: string): Promise<number> {
    const id = `sequence|${name}`;
    const stored = await updateWithRetry<CounterDocument>(
      this.container,
      id,
      (current) => ({ id, value: (current?.value ?? 0) + 1 }),
      { attempts: 20 },
    );
    if (!stored) throw new Error(`sequence ${name} could not be advanced`);
    return stored.value;
  }
}
