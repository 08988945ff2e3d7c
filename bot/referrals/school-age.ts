/**
 * Compulsory school age in England (Education Act 1996 s.8): it starts on the first of
 * 31 December, 31 March or 31 August on or after the fifth birthday, and ends on the last
 * Friday of June in the school year in which the child turns 16.
 * Dates are plain calendar dates (YYYY-MM-DD), compared as UTC midnights.
 */
import { parseIsoDate, toIsoDate, type IsoDate } from "../shared/uk-dates.js";

const dayMs = 86_400_000;

function birthdayAt(dateOfBirth: Date, age: number): Date {
  const year = dateOfBirth.getUTCFullYear() + age;
  const month = dateOfBirth.getUTCMonth();
  const day = dateOfBirth.getUTCDate();
  // A 29 February birthday falls on 1 March in other years.
  const candidate = new Date(Date.UTC(year, month, day));
  return candidate.getUTCMonth() === month ? candidate : new Date(Date.UTC(year, month + 1, 1));
}

export function compulsorySchoolAgeStarts(dateOfBirth: IsoDate): IsoDate {
  const fifth = birthdayAt(parseIsoDate(dateOfBirth), 5);
  const year = fifth.getUTCFullYear();
  const candidates = [
    new Date(Date.UTC(year, 2, 31)),
    new Date(Date.UTC(year, 7, 31)),
    new Date(Date.UTC(year, 11, 31)),
  ];
  const start = candidates.find((candidate) => candidate.getTime() >= fifth.getTime());
  return toIsoDate(start ?? new Date(Date.UTC(year + 1, 2, 31)));
}

export function compulsorySchoolAgeEnds(dateOfBirth: IsoDate): IsoDate {
  const sixteenth = birthdayAt(parseIsoDate(dateOfBirth), 16);
  // School years run 1 September to 31 August.
  const summerYear =
    sixteenth.getUTCMonth() >= 8 ? sixteenth.getUTCFullYear() + 1 : sixteenth.getUTCFullYear();
  const lastOfJune = new Date(Date.UTC(summerYear, 5, 30));
  const back = (lastOfJune.getUTCDay() - 5 + 7) % 7;
  return toIsoDate(new Date(lastOfJune.getTime() - back * dayMs));
}

export type SchoolAgeStanding = "under" | "compulsory" | "over";

export function schoolAgeStanding(dateOfBirth: IsoDate, on: IsoDate): SchoolAgeStanding {
  if (on < compulsorySchoolAgeStarts(dateOfBirth)) return "under";
  if (on > compulsorySchoolAgeEnds(dateOfBirth)) return "over";
  return "compulsory";
}

/** Age in whole years on a date. */
export function ageOn(dateOfBirth: IsoDate, on: IsoDate): number {
  const birth = parseIsoDate(dateOfBirth);
  const day = parseIsoDate(on);
  let age = day.getUTCFullYear() - birth.getUTCFullYear();
  if (birthdayAt(birth, age).getTime() > day.getTime()) age -= 1;
  return age;
}

/**
 * The national curriculum year group for a date: Reception is the year in which a child
 * turns five, Year 1 the year they turn six, and so on ("R", "1" … "11"; "Nursery" below).
 */
export function yearGroupOn(dateOfBirth: IsoDate, on: IsoDate): string {
  const day = parseIsoDate(on);
  const schoolYearStart = day.getUTCMonth() >= 8 ? day.getUTCFullYear() : day.getUTCFullYear() - 1;
  const ageAtStart = ageOn(dateOfBirth, `${schoolYearStart}-08-31`);
  const year = ageAtStart - 4;
  if (year < 0) return "Nursery";
  if (year === 0) return "Reception";
  if (year > 13) return "Post-18";
  return `Year ${year}`;
}
