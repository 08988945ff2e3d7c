import { randomUUID } from "node:crypto";
import type { ExtractFindings } from "./findings.js";

/**
 * An import's findings, kept in this instance's memory only so its card can page (the file is
 * not kept, and nothing of it is stored): a few imports, each for an hour at most. A page asked
 * of one that is gone (expired, pushed out, another instance, a restart) says to send the file again.
 */
export interface KeptImport {
  /** Who sent the file: only they page through it. */
  readonly by: string;
  readonly fileName: string;
  readonly findings: ExtractFindings;
  /** Rows that are children with an open case: its reference. */
  readonly openCases: ReadonlyMap<number, string>;
}

export class KeptImports {
  private readonly kept = new Map<string, KeptImport & { readonly until: number }>();

  constructor(
    private readonly now: () => Date,
    private readonly limits = { imports: 20, keepMs: 60 * 60 * 1000 },
  ) {}

  /** Keeps an import, letting the oldest go beyond the limit; its id is for the card's buttons. */
  keep(entry: KeptImport): string {
    this.dropExpired();
    const id = randomUUID();
    this.kept.set(id, { ...entry, until: this.now().getTime() + this.limits.keepMs });
    for (const oldest of this.kept.keys()) {
      if (this.kept.size <= this.limits.imports) break;
      this.kept.delete(oldest);
    }
    return id;
  }

  /** The import, if it is still kept and was sent by this person. */
  get(id: string, by: string): KeptImport | undefined {
    this.dropExpired();
    const entry = this.kept.get(id);
    return entry && entry.by === by ? entry : undefined;
  }

  private dropExpired(): void {
    const now = this.now().getTime();
    for (const [id, entry] of this.kept) if (entry.until <= now) this.kept.delete(id);
  }
}
