/** A case's human reference, CME-YYYY-NNNNN: the year it was opened and its number in that year. */
export const caseReferencePattern = /^CME-\d{4}-\d{5}$/;

export function formatReference(year: number, sequence: number): string {
  return `CME-${year}-${String(sequence).padStart(5, "0")}`;
}
