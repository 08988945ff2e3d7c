import * as ACData from "adaptivecards-templating";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Attachment } from "botbuilder";
import { CardFactory } from "botbuilder";

const cardsFolder = fileURLToPath(new URL("../../cards/", import.meta.url));
const templates = new Map<string, object>();

/** Teams refuses messages over about 28 KB. */
export const maxCardBytes = 28 * 1024;

export type CardJson = Record<string, unknown>;

function template(name: string): object {
  let loaded = templates.get(name);
  if (!loaded) {
    loaded = JSON.parse(readFileSync(`${cardsFolder}${name}.json`, "utf8")) as object;
    templates.set(name, loaded);
  }
  return loaded;
}

/** Expands `cards/<name>.json` with a view model; a `${…}` left over is a view-model bug, so it throws. */
function expand(name: string, view: object): { card: CardJson; bytes: number } {
  const card = new ACData.Template(template(name)).expand({ $root: view }) as CardJson;
  const json = JSON.stringify(card);
  // People may type "${" themselves: only what is left once their words are taken out counts.
  let ours = json;
  for (const typed of stringsWithPlaceholders(view))
    ours = ours.split(JSON.stringify(typed).slice(1, -1)).join("");
  const unresolved = /\$\{[^}]*\}/.exec(ours);
  if (unresolved) throw new Error(`card ${name} left ${unresolved[0]} unresolved`);
  return { card, bytes: Buffer.byteLength(json) };
}

/** Every string in a view model that contains "${" (words people typed, never the template's). */
function stringsWithPlaceholders(value: unknown, found: string[] = []): string[] {
  if (typeof value === "string") {
    if (value.includes("${")) found.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) stringsWithPlaceholders(item, found);
  } else if (value && typeof value === "object") {
    for (const item of Object.values(value)) stringsWithPlaceholders(item, found);
  }
  return found;
}

/** Expands the card template `cards/<name>.json` with a view model; a card too big to send is a bug, so it throws. */
export function renderCard(name: string, view: object): CardJson {
  const { card, bytes } = expand(name, view);
  if (bytes > maxCardBytes) throw new Error(`card ${name} is over ${maxCardBytes} bytes`);
  return card;
}

/** Like renderCard, but undefined when the card would be too big to send (for callers that can say less). */
export function renderCardIfFits(name: string, view: object): CardJson | undefined {
  const { card, bytes } = expand(name, view);
  return bytes > maxCardBytes ? undefined : card;
}

export function cardAttachment(name: string, view: object): Attachment {
  return CardFactory.adaptiveCard(renderCard(name, view));
}
