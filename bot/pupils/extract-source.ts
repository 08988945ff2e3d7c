import { ExtractRefused, tooLarge } from "./read-extract.js";

/**
 * Before anything is fetched: is the file Teams describes a CSV extract, within the size, at an
 * address of Teams' file store? Teams hands a bot a short-lived, pre-authorised download address;
 * a message could name any address, so only the file store's hosts are fetched from.
 */

export interface ExtractFile {
  /** The file's name as the person's Teams shows it. */
  readonly name: string;
  /** The extension Teams reports (`csv`), when it reports one. */
  readonly fileType?: string | undefined;
  readonly downloadUrl: string;
  /** Bytes, when told (a script's file; Teams' download is measured as it arrives). */
  readonly size?: number | undefined;
}

export interface DownloadPolicy {
  /** Local mode (no bot app id): loopback may serve the file (tests, the Playground). */
  readonly localMode: boolean;
  /** Hosts allowed besides *.sharepoint.com, lower case. */
  readonly hosts: readonly string[];
  readonly maxBytes: number;
}

const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** A download address of Teams' file store: https on *.sharepoint.com or a configured host; loopback only locally. */
export function isFileStoreAddress(
  address: string,
  policy: Pick<DownloadPolicy, "localMode" | "hosts">,
): boolean {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  if (policy.localMode && loopback.has(host) && (url.protocol === "http:" || url.protocol === "https:"))
    return true;
  // The file store serves on https's own port only: an address naming another is not its.
  return (
    url.protocol === "https:" &&
    url.port === "" &&
    (host.endsWith(".sharepoint.com") || policy.hosts.includes(host))
  );
}

/** A CSV by its name or the type Teams reports (an Excel workbook, a PDF… is not). */
export function isCsvFile(file: Pick<ExtractFile, "name" | "fileType">): boolean {
  const type = file.fileType?.trim().toLowerCase();
  return type ? type === "csv" : /\.csv$/i.test(file.name.trim());
}

/** Why the file is refused before it is read (not CSV, too large by its size), or undefined. */
export function refusalBeforeReading(
  file: Pick<ExtractFile, "name" | "fileType" | "size">,
  maxBytes: number,
): ExtractRefused | undefined {
  if (!isCsvFile(file)) {
    return new ExtractRefused(
      "not-csv",
      'That file is not a CSV file: save the extract from the pupil database as "CSV UTF-8 (comma delimited)" and send that.',
    );
  }
  if (file.size !== undefined && file.size > maxBytes) return tooLarge(maxBytes);
  return undefined;
}

/** Why a file Teams describes is refused before it is fetched, or undefined when it may be. */
export function refusalBeforeFetch(file: ExtractFile, policy: DownloadPolicy): ExtractRefused | undefined {
  const refused = refusalBeforeReading(file, policy.maxBytes);
  if (refused) return refused;
  if (!isFileStoreAddress(file.downloadUrl, policy)) {
    return new ExtractRefused(
      "not-teams-file",
      "I only read files Teams keeps for you (attached with the paperclip in this chat), and this one comes from somewhere else. Attach the extract to a message here and send it again.",
    );
  }
  return undefined;
}
