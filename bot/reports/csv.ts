/**
 * CSV as RFC 4180 has it (CRLF line ends, a field quoted when it holds a comma, a quote or a line
 * break, quotes doubled), and safe to open in a spreadsheet: a cell people typed that begins
 * with = + - @ (or a tab or carriage return) would be read as a formula, so it is prefixed with '.
 */

export type CsvCell = string | number;

export function csvCell(value: CsvCell): string {
  if (typeof value === "number") return String(value);
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
}

export function toCsv(columns: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [columns, ...rows].map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}
