import type { Container } from "@azure/cosmos";
import { importRecordSchema, type ImportRecord } from "../pupils/import-record.js";
import {
  caseChannelSchema,
  installedTeamSchema,
  type CaseChannel,
  type ExtractClaim,
  type InstalledTeam,
  type RetentionRecord,
  type Settings,
} from "../settings.js";
import {
  ConcurrencyError,
  createIfAbsent,
  read,
  replaceIfUnchanged,
  updateWithRetry,
  upsert,
} from "./documents.js";
import { isCosmosError } from "./cosmos.js";
import { storeCall } from "./deadline.js";
import { ShortCache } from "./short-cache.js";

// Where the Teams edge has imported it from.
export type { CaseChannel };

const caseChannelId = "case-channel";

interface CounterDocument {
  id: string;
  value: number;
}

export class SettingsStore implements Settings {
  /** Every turn asks for the case channel (roles come from its team): read once per `keepMs`. */
  private readonly kept: ShortCache<CaseChannel | undefined>;

  constructor(
    private readonly container: Container,
    { keepMs = 0 }: { keepMs?: number } = {},
  ) {
    this.kept = new ShortCache(keepMs);
  }

  caseChannel(): Promise<CaseChannel | undefined> {
    return this.kept.get(caseChannelId, async () => {
      const document = await read<CaseChannel>(this.container, caseChannelId);
      return document ? caseChannelSchema.parse(document) : undefined;
    });
  }

  async setCaseChannel(channel: CaseChannel): Promise<void> {
    try {
      await upsert(this.container, { id: caseChannelId, ...channel });
    } finally {
      // Even a write that failed may have landed: read it again next time.
      this.kept.forget(caseChannelId);
    }
  }

  /**
   * Takes a lease (one sweep at a time across instances) until `until`, if nobody else holds an
   * unexpired one; true if taken. ETag-guarded, so two instances racing cannot both win.
   */
  async takeLease(name: string, holder: string, now: Date, until: Date): Promise<boolean> {
    const id = `lease|${name}`;
    const current = await read<{ id: string; holder: string; until: string }>(this.container, id);
    const lease = { id, holder, until: until.toISOString() };
    try {
      if (!current) return await createIfAbsent(this.container, lease);
      if (current.until > now.toISOString() && current.holder !== holder) return false;
      await replaceIfUnchanged(this.container, lease, current._etag);
      return true;
    } catch (error) {
      if (error instanceof ConcurrencyError) return false;
      throw error;
    }
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    const id = `lease|${name}`;
    const current = await read<{ id: string; holder: string; until: string }>(this.container, id);
    if (current?.holder !== holder) return;
    try {
      await replaceIfUnchanged(
        this.container,
        { ...current, until: new Date(0).toISOString() },
        current._etag,
      );
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }

  /** The UK date of the last daily digest queued, if any. */
  async lastDigest(): Promise<string | undefined> {
    return (await read<{ id: string; date: string }>(this.container, "digest-last"))?.date;
  }

  async setLastDigest(date: string): Promise<void> {
    await upsert(this.container, { id: "digest-last", date });
  }

  /** What the retention sweep removed, kept without personal data: the audit that it happened. */
  async recordRetention(record: RetentionRecord): Promise<void> {
    await upsert(this.container, { id: `retention|${record.reference}`, ...record });
  }

  async retentionRecord(reference: string) {
    return read<Omit<RetentionRecord, "rule" | "action"> & { action: string }>(
      this.container,
      `retention|${reference}`,
    );
  }

  /** An import's record (nothing of the file's rows): its id is the one the findings card pages by. */
  async recordImport(record: ImportRecord): Promise<void> {
    await upsert(this.container, { id: `import|${record.importId}`, ...importRecordSchema.parse(record) });
  }

  async addCaseToImport(importId: string, reference: string): Promise<boolean> {
    const stored = await updateWithRetry<ImportRecord & { id: string }>(
      this.container,
      `import|${importId}`,
      (current) =>
        current && !current.casesOpened.includes(reference)
          ? { ...current, casesOpened: [...current.casesOpened, reference] }
          : undefined,
    );
    return stored !== undefined;
  }

  async extractClaim(childHash: string): Promise<ExtractClaim | undefined> {
    const claim = await read<{ id: string; reference: string }>(this.container, `extract-claim|${childHash}`);
    return claim ? { reference: claim.reference, etag: claim._etag } : undefined;
  }

  async takeExtractClaim(
    childHash: string,
    reference: string,
    at: Date,
    replacing?: string,
  ): Promise<boolean> {
    const claim = { id: `extract-claim|${childHash}`, reference, at: at.toISOString() };
    if (replacing === undefined) return createIfAbsent(this.container, claim);
    try {
      await replaceIfUnchanged(this.container, claim, replacing);
      return true;
    } catch (error) {
      if (error instanceof ConcurrencyError) return false;
      throw error;
    }
  }

  async removeExtractClaim(childHash: string, reference: string): Promise<void> {
    const id = `extract-claim|${childHash}`;
    const claim = await read<{ id: string; reference: string }>(this.container, id);
    if (claim?.reference !== reference) return;
    try {
      await storeCall((abortSignal) =>
        this.container
          .item(id, id)
          .delete({ accessCondition: { type: "IfMatch", condition: claim._etag }, abortSignal }),
      );
    } catch (error) {
      // Replaced since (the child claimed for a new case) or gone already: not this case's claim.
      if (!isCosmosError(error, 412) && !isCosmosError(error, 404)) throw error;
    }
  }

  async recordTeam(team: InstalledTeam): Promise<void> {
    await upsert(this.container, { id: `team|${team.teamId}`, ...team });
  }

  async team(teamId: string): Promise<InstalledTeam | undefined> {
    const document = await read<InstalledTeam>(this.container, `team|${teamId}`);
    return document ? installedTeamSchema.parse(document) : undefined;
  }

  /**
   * The next number of a named sequence (1, 2, 3 …), safe with several instances; or the first
   * of the next `count` numbers, all taken at once (seeding takes a block).
   */
  async nextInSequence(name: string, count = 1): Promise<number> {
    const id = `sequence|${name}`;
    const stored = await updateWithRetry<CounterDocument>(this.container, id, (current) => ({
      id,
      value: (current?.value ?? 0) + count,
    }));
    if (!stored) throw new Error(`sequence ${name} could not be advanced`);
    return stored.value - count + 1;
  }
}
