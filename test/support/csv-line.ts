import { cardIn, personalConversationId, personalMessage, type Harness, type Who } from "./harness.js";

/** One line of RFC 4180 CSV (no line breaks inside cells). */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

/**
 * A report asked in personal chat by `who`, and its CSV accepted on the file consent card: the
 * report's card, and the CSV's header and rows as uploaded to the fake Teams.
 */
export async function reportWithCsv(h: Harness, who: Who, words: string) {
  const replies = () => h.teams.replies(personalConversationId(who));
  const before = replies().length;
  await h.send(personalMessage(h.teams, who, words));
  const sent = replies().slice(before);
  const consent = sent
    .flatMap(
      (each) => (each.body.attachments ?? []) as { contentType: string; name: string; content: unknown }[],
    )
    .find((each) => each.contentType === "application/vnd.microsoft.teams.card.file.consent")!;
  const uploads = h.teams.uploads.length;
  await h.send({
    ...personalMessage(h.teams, who, ""),
    type: "invoke",
    name: "fileConsent/invoke",
    value: {
      type: "fileUpload",
      action: "accept",
      context: (consent.content as { acceptContext: unknown }).acceptContext,
      uploadInfo: {
        name: consent.name,
        uploadUrl: `${h.teams.url}upload/${consent.name}`,
        contentUrl: `https://contoso.sharepoint.example/${consent.name}`,
        uniqueId: "report-file",
        fileType: "csv",
      },
    },
  });
  const lines = h.teams.uploads[uploads]!.body.replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n")
    .map(parseCsvLine);
  return { card: cardIn(sent[0]!), header: lines[0]!, rows: lines.slice(1) };
}
