/** Dates are plain calendar dates (YYYY-MM-DD), compared as strings or as UTC midnights. */
export type IsoDate = string;

export function parseIsoDate(value: IsoDate): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) throw new RangeError(`not a date: ${value}`);
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (date.toISOString().slice(0, 10) !== value) throw new RangeError(`not a date: ${value}`);
  return date;
}

export function isIsoDate(value: string): boolean {
  try {
    parseIsoDate(value);
    return true;
  } catch {
    return false;
  }
}

export function toIsoDate(date: Date): IsoDate {
  return date.toISOString().slice(0, 10);
}

/** Made once: a formatter is costly to make and cheap to use (en-CA writes YYYY-MM-DD). */
const ukDateFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The calendar date in the UK (Europe/London) of an instant (a Date, or an ISO time). */
export function ukDate(instant: Date | string): IsoDate {
  return ukDateFormat.format(typeof instant === "string" ? new Date(instant) : instant);
}
