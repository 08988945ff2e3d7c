const ukDateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});
const ukDateTimeFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Europe/London",
});

/** 2026-11-03 → "3 Nov 2026". */
export function formatDate(isoDate: string): string {
  return ukDateFormat.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`));
}

/** An instant as UK local time: "3 Nov 2026, 14:05". */
export function formatDateTime(instant: string | Date): string {
  return ukDateTimeFormat.format(typeof instant === "string" ? new Date(instant) : instant);
}
