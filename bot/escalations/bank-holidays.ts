import Holidays from "date-holidays";

const england = new Holidays("GB", "ENG");

/** England's bank holidays in a year, substitute days included, from a maintained package (never typed by hand). */
export function bankHolidaysInEngland(year: number): ReadonlySet<string> {
  return new Set(
    england
      .getHolidays(year)
      .filter((holiday) => holiday.type === "public")
      .map((holiday) => holiday.date.slice(0, 10)),
  );
}
