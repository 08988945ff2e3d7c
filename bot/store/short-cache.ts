/**
 * What was read, kept for a short while in this process (settings, a team's members), so a burst
 * of turns asks the source once. A read that fails is not kept; `forget` drops a key at once (the
 * bot was told it changed). Another instance's change is seen only when the entry lapses.
 */
export class ShortCache<Value> {
  private readonly entries = new Map<string, { value: Promise<Value>; until: number }>();

  constructor(
    private readonly keepMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  get(key: string, read: () => Promise<Value>): Promise<Value> {
    const kept = this.entries.get(key);
    if (kept && kept.until > this.nowMs()) return kept.value;
    const value = read();
    if (this.keepMs <= 0) return value;
    const entry = { value, until: this.nowMs() + this.keepMs };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
