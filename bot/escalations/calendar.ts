import { ukDate } from "../shared/uk-dates.js";
/**
 * Working days, school days and working hours in UK local time (Europe/London), as the clocks
 * count them: a working day is Monday to Friday except England's bank holidays, a school day a
 * working day in term. Dates are `YYYY-MM-DD` strings of the UK calendar; instants are Dates.
 */
export interface Term {
  readonly start: string;
  readonly end: string;
}

export interface TermDates {
  /** Where the dates come from (a council page, a cabinet decision). */
  readonly source: string;
  /** The span the file speaks for: inside it, a working day outside every term is a holiday. */
  readonly covers?: { readonly from: string; readonly to: string } | undefined;
  readonly terms: readonly Term[];
}

export interface Calendar {
  isWorkingDay(date: string): boolean;
  /** A working day in term; a date the term file does not cover counts as a school day (clocks run early, never late). */
  isSchoolDay(date: string): boolean;
}

export interface WorkingHours {
  /** Local hours, e.g. 9 and 17. */
  readonly start: number;
  readonly end: number;
}

const londonPartsFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/**
 * London's offset by UTC hour, as worked out: the clocks change on the hour (01:00 UTC), so the
 * offset is the same within one, and working it out (formatToParts) is costly. Kept to a bound.
 */
const offsetByHour = new Map<number, number>();
const offsetsKept = 50_000;

/** How far London's clocks are ahead of UTC at an instant (0 in winter, 1 hour in summer), in ms. */
function londonOffsetMs(instant: number): number {
  const hour = Math.floor(instant / 3_600_000);
  const known = offsetByHour.get(hour);
  if (known !== undefined) return known;
  if (offsetByHour.size >= offsetsKept) offsetByHour.clear();
  const offset = workOutLondonOffsetMs(hour * 3_600_000);
  offsetByHour.set(hour, offset);
  return offset;
}

function workOutLondonOffsetMs(instant: number): number {
  const parts = Object.fromEntries(
    londonPartsFormat.formatToParts(new Date(instant)).map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant at a local time of a UK date (`hours` may have a fraction). */
export function londonInstant(date: string, hours: number): Date {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day) + hours * 3_600_000;
  const guess = wall - londonOffsetMs(wall);
  return new Date(wall - londonOffsetMs(guess));
}

/** The UK clock's reading at an instant, as hours (10:30 is 10.5), whatever the day's length. */
export function londonClockHours(instant: Date): number {
  const parts = Object.fromEntries(
    londonPartsFormat.formatToParts(instant).map((part) => [part.type, part.value]),
  );
  return Number(parts.hour) + Number(parts.minute) / 60 + Number(parts.second) / 3600;
}

/** Local hours since midnight of an instant, in UK time. */
function londonHours(instant: Date): number {
  return (instant.getTime() - londonInstant(ukDate(instant), 0).getTime()) / 3_600_000;
}

export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

function isWeekday(date: string): boolean {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** A calendar from bank holidays (asked for a year at a time) and the council's term dates. */
export function createCalendar(
  bankHolidaysOf: (year: number) => ReadonlySet<string>,
  terms: TermDates,
): Calendar {
  const byYear = new Map<number, ReadonlySet<string>>();
  const bankHoliday = (date: string) => {
    const year = Number(date.slice(0, 4));
    let holidays = byYear.get(year);
    if (!holidays) {
      holidays = bankHolidaysOf(year);
      byYear.set(year, holidays);
    }
    return holidays.has(date);
  };
  const isWorkingDay = (date: string) => isWeekday(date) && !bankHoliday(date);
  const covered = (date: string) =>
    terms.covers !== undefined && date >= terms.covers.from && date <= terms.covers.to;
  const inTerm = (date: string) => terms.terms.some((term) => date >= term.start && date <= term.end);
  return {
    isWorkingDay,
    isSchoolDay: (date) => isWorkingDay(date) && (!covered(date) || inTerm(date)),
  };
}

/** The date `count` days of a kind after `date` (`count` 0: `date` itself; below 0, before it). */
function addCounted(date: string, count: number, counts: (date: string) => boolean): string {
  const step = count < 0 ? -1 : 1;
  let current = date;
  for (let left = Math.abs(count); left > 0;) {
    current = addDays(current, step);
    if (counts(current)) left -= 1;
  }
  return current;
}

/** How many days of a kind fall after `from`, up to and including `to`. */
function countBetween(from: string, to: string, counts: (date: string) => boolean): number {
  let total = 0;
  for (let current = addDays(from, 1); current <= to; current = addDays(current, 1))
    if (counts(current)) total += 1;
  return total;
}

/**
 * Days counted on from a date, by calendar, as worked out: every clock of every case shown asks
 * again, and a calendar (its holidays and terms) never changes once made. Kept to a bound.
 */
const countedOn = new WeakMap<Calendar, Map<string, string>>();
const countsKept = 20_000;

function addCountedOnce(calendar: Calendar, kind: "working" | "school", date: string, count: number): string {
  const kept = countedOn.get(calendar) ?? new Map<string, string>();
  countedOn.set(calendar, kept);
  const key = `${kind}|${date}|${count}`;
  const known = kept.get(key);
  if (known !== undefined) return known;
  if (kept.size >= countsKept) kept.clear();
  const counted = addCounted(date, count, (each) =>
    kind === "working" ? calendar.isWorkingDay(each) : calendar.isSchoolDay(each),
  );
  kept.set(key, counted);
  return counted;
}

export const addWorkingDays = (calendar: Calendar, date: string, days: number) =>
  addCountedOnce(calendar, "working", date, days);
export const addSchoolDays = (calendar: Calendar, date: string, days: number) =>
  addCountedOnce(calendar, "school", date, days);
export const workingDaysBetween = (calendar: Calendar, from: string, to: string) =>
  countBetween(from, to, (each) => calendar.isWorkingDay(each));
export const schoolDaysBetween = (calendar: Calendar, from: string, to: string) =>
  countBetween(from, to, (each) => calendar.isSchoolDay(each));

/** The instant `hours` working hours after `instant` (time outside working hours and days does not count). */
export function addWorkingHours(calendar: Calendar, instant: Date, hours: number, day: WorkingHours): Date {
  let date = ukDate(instant);
  let at = Math.min(Math.max(londonHours(instant), day.start), day.end);
  let left = hours;
  for (;;) {
    if (calendar.isWorkingDay(date)) {
      const available = day.end - at;
      if (left <= available) return londonInstant(date, at + left);
      left -= available;
    }
    date = addDays(date, 1);
    at = day.start;
  }
}

/** How many working hours lie between two instants (time outside working hours and days does not count). */
export function workingHoursBetween(calendar: Calendar, from: Date, to: Date, day: WorkingHours): number {
  if (to <= from) return 0;
  let total = 0;
  for (let date = ukDate(from); date <= ukDate(to); date = addDays(date, 1)) {
    if (!calendar.isWorkingDay(date)) continue;
    const start = Math.max(londonInstant(date, day.start).getTime(), from.getTime());
    const end = Math.min(londonInstant(date, day.end).getTime(), to.getTime());
    if (end > start) total += (end - start) / 3_600_000;
  }
  return total;
}
