/**
 * The DfE's duration bands, written out from its guidance for the tests' own count (the report's
 * code is never asked): the band of so many whole weeks missing education.
 */
const bands: [number, string][] = [
  [2, "Less than 2 weeks"],
  [4, "2 to 4 weeks"],
  [8, "4 to 8 weeks"],
  [12, "8 to 12 weeks"],
  [26, "12 to 26 weeks"],
  [52, "26 to 52 weeks"],
];

export function dfeBandOfWeeks(weeks: number): string {
  return bands.find(([under]) => weeks < under)?.[1] ?? "Over 52 weeks";
}
