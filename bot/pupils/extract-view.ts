import { extractListTitles } from "../referrals/extract-referral.js";
import { compulsorySchoolAgeStarts } from "../referrals/school-age.js";
import { formatDate } from "../shared/format.js";
import { extractLists, type ExtractList, type Finding } from "./findings.js";
import type { KeptImport } from "./kept-imports.js";
import { childKeyOf } from "./open-case-links.js";
import type { PupilRow } from "./read-extract.js";

/** What an import shows on its card (cards/pupil-extract-findings.json): counts, problems, a page of each list. */

export const extractPageSize = 10;

/** The page (from 0) each list's part of the card shows. */
export type ExtractPages = Record<ExtractList, number>;
export const firstPages: ExtractPages = {
  "compulsory-no-place": 0,
  "rising-fives": 0,
  "leavers-no-forwarding-school": 0,
};

export { extractListTitles };

/** How much the card says: less when a file's words would take it past Teams' size. */
export interface ExtractViewDetail {
  readonly problems: number;
  /** Each row's dates and establishment, or its name only. */
  readonly rowDetails: boolean;
  readonly nameLength: number;
}
export const extractViewDetails: readonly ExtractViewDetail[] = [
  { problems: 5, rowDetails: true, nameLength: 100 },
  { problems: 0, rowDetails: true, nameLength: 60 },
  { problems: 0, rowDetails: false, nameLength: 40 },
];

const clipped = (text: string, length: number) =>
  text.length > length ? `${text.slice(0, length - 1)}…` : text;

function destinationText(pupil: PupilRow): string {
  const destination = pupil.destination;
  if (!destination) return "no destination";
  if (destination.kind === "ctf-unknown") return "CTF to XXXXXXX (destination unknown)";
  if (destination.kind === "ctf-abroad") return "CTF to MMMMMMM (moved abroad)";
  return `destination ${destination.name}`;
}

function establishmentText(pupil: PupilRow): string {
  if (!pupil.currentEstablishment) return "no establishment";
  return pupil.onRoll ? pupil.currentEstablishment : `${pupil.currentEstablishment}, not on roll`;
}

/** The facts that put the child on this list. */
function rowLine(list: ExtractList, pupil: PupilRow): string {
  const born = `Born ${formatDate(pupil.dateOfBirth)}`;
  if (list === "rising-fives")
    return `${born} · compulsory school age from ${formatDate(compulsorySchoolAgeStarts(pupil.dateOfBirth))}`;
  const left = pupil.dateLeft ? `left ${formatDate(pupil.dateLeft)}, ${destinationText(pupil)}` : "";
  if (list === "leavers-no-forwarding-school") return `${born} · ${left}`;
  return [born, establishmentText(pupil), left].filter(Boolean).join(" · ");
}

const count = (n: number) => n.toLocaleString("en-GB");

/**
 * The children "Open cases for all" would open: listed, not linked to an open case, each child
 * once (their first row), in file order.
 */
export function childrenToOpen(kept: KeptImport): Finding[] {
  const seen = new Set<string>();
  return kept.findings.findings.filter((finding) => {
    const key = childKeyOf(finding);
    if (kept.openCases.has(finding.row) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function extractFindingsView(
  kept: KeptImport,
  importId: string,
  pages: ExtractPages,
  detail: ExtractViewDetail = extractViewDetails[0]!,
) {
  const { findings, fileName } = kept;
  const linked = findings.findings.filter((finding) => kept.openCases.has(finding.row)).length;
  const problemCount = findings.problems.length + findings.problemsLeftOut;
  const shownProblems = findings.problems.slice(0, detail.problems);
  const lists = extractLists.map((list) => {
    const members = findings.findings.filter((finding: Finding) => finding.lists.includes(list));
    const lastPage = Math.max(0, Math.ceil(members.length / extractPageSize) - 1);
    const page = Math.min(Math.max(0, pages[list]), lastPage);
    const from = page * extractPageSize;
    const shown = members.slice(from, from + extractPageSize);
    const pagesWith = (to: number) => ({ importId, pages: { ...pages, [list]: to } });
    return {
      title: `${extractListTitles[list]}: ${count(members.length)}`,
      hasRows: members.length > 0,
      range:
        members.length > 0
          ? `${count(from + 1)}–${count(from + shown.length)} of ${count(members.length)}`
          : "No children on this list.",
      rows: shown.map(({ row, pupil }) => {
        const reference = kept.openCases.get(row);
        return {
          canOpen: !reference,
          open: { importId, row, pages },
          name: clipped(`${pupil.legalForename} ${pupil.legalSurname}`, detail.nameLength),
          line: detail.rowDetails
            ? clipped(rowLine(list, pupil), 300)
            : `Born ${formatDate(pupil.dateOfBirth)}`,
          standing: reference ? `open case ${reference}` : "new",
          row: `row ${row}`,
        };
      }),
      hasPrevious: page > 0,
      hasNext: page < lastPage,
      previous: pagesWith(page - 1),
      next: pagesWith(page + 1),
    };
  });
  const toOpen = childrenToOpen(kept).length;
  return {
    title: `Pupil extract: ${clipped(fileName, 80)}`,
    canOpenAll: toOpen > 0,
    openAllTitle: `Open cases for all ${count(toOpen)}`,
    openAll: { importId, pages },
    summary: `${count(findings.rows.read)} rows read, on ${formatDate(findings.importDate)}: ${count(findings.rows.good)} good, ${count(findings.rows.bad)} with problems. ${count(linked)} of the children listed already have an open case.`,
    kept: "The file is not kept. These lists are kept for an hour for paging: after that, send the file again.",
    hasProblems: problemCount > 0,
    problemsTitle: `Problems (${count(problemCount)})`,
    problems: shownProblems.map((problem) => ({
      text: `Row ${problem.row}, ${problem.column ?? "the row"}: ${problem.why}`,
    })),
    moreProblems:
      problemCount > shownProblems.length
        ? `and ${count(problemCount - shownProblems.length)} more. Put them right in the pupil database and send a new extract.`
        : "",
    counts: {
      bars: extractLists.map((list) => ({ x: extractListTitles[list], y: findings.counts[list] })),
      facts: extractLists.map((list) => ({
        title: extractListTitles[list],
        value: count(findings.counts[list]),
      })),
    },
    lists,
  };
}
