import * as ACData from "adaptivecards-templating";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Attachment } from "botbuilder";
import { CardFactory } from "botbuilder";

const cardsFolder = fileURLToPath(new URL("../../cards/", import.meta.url));
/**
 * Each card's template, parsed once: preparing a Template parses every `${…}` in it (the largest
 * part of a turn's time when done at each render); expanding a prepared one only evaluates.
 */
const templates = new Map<string, ACData.Template>();

/** Teams refuses messages over about 28 KB. */
export const maxCardBytes = 28 * 1024;

export type CardJson = Record<string, unknown>;

function template(name: string): ACData.Template {
  let loaded = templates.get(name);
  if (!loaded) {
    loaded = new ACData.Template(JSON.parse(readFileSync(`${cardsFolder}${name}.json`, "utf8")) as object);
    templates.set(name, loaded);
  }
  return loaded;
}

/**
 * Teams reads a TextBlock's text and a fact's title and value as markdown (and some HTML): shown
 * as written, nothing a person typed becomes a link, emphasis, a heading, a list or markup.
 * Backslashes for markdown, entities for HTML, and a zero-width space inside `{{` and `}}` (Teams
 * puts a date in place of `{{DATE(…)}}`, and a backslash does not stop it); applied once, to the
 * expanded card, so the view models and the stored words stay raw and nothing is escaped twice.
 */
export function literalText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]~]/g, "\\$&")
    .replace(/^([ \t]*)([-+#])/gm, "$1\\$2")
    .replace(/^([ \t]*\d+)([.)])/gm, "$1\\$2")
    .replace(/([{}])(?=\1)/g, "$1\u200b");
}

/** Escapes `text`, but keeps the card's @mentions (`<at>…</at>`, listed in msteams.entities), which Teams must read. */
function literalExceptMentions(text: string, mentions: readonly string[]): string {
  const mention = mentions.find((each) => text.includes(each));
  if (!mention) return literalText(text);
  return text
    .split(mention)
    .map((part) => literalExceptMentions(part, mentions))
    .join(mention);
}

/** Every TextBlock's text and every fact, wherever it stands (columns, containers, cards shown by actions). */
function literalMarkdown(node: unknown, mentions: readonly string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) literalMarkdown(item, mentions);
    return;
  }
  if (!node || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  if (record.type === "TextBlock" && typeof record.text === "string")
    record.text = literalExceptMentions(record.text, mentions);
  if (record.type === "FactSet" && Array.isArray(record.facts)) {
    for (const fact of record.facts as Record<string, unknown>[]) {
      if (typeof fact.title === "string") fact.title = literalExceptMentions(fact.title, mentions);
      if (typeof fact.value === "string") fact.value = literalExceptMentions(fact.value, mentions);
    }
  }
  for (const [key, value] of Object.entries(record)) if (key !== "msteams") literalMarkdown(value, mentions);
}

function mentionTexts(card: CardJson): string[] {
  const entities = (card.msteams as { entities?: unknown } | undefined)?.entities;
  return Array.isArray(entities)
    ? entities
        .map((entity) => entity as { type?: unknown; text?: unknown })
        .filter((entity) => entity.type === "mention" && typeof entity.text === "string")
        .map((entity) => entity.text as string)
    : [];
}

/** Expands `cards/<name>.json` with a view model; a `${…}` left over is a view-model bug, so it throws. */
function expand(name: string, view: object): { card: CardJson; bytes: number } {
  const card = template(name).expand({ $root: view }) as CardJson;
  const expanded = JSON.stringify(card);
  // People may type "${" themselves: only what is left once their words are taken out counts
  // (the longest first, as one person's words may begin with another's).
  let ours = expanded;
  for (const typed of stringsWithPlaceholders(view).sort((a, b) => b.length - a.length))
    ours = ours.split(JSON.stringify(typed).slice(1, -1)).join("");
  const unresolved = /\$\{[^}]*\}/.exec(ours);
  if (unresolved) throw new Error(`card ${name} left ${unresolved[0]} unresolved`);
  literalMarkdown(card, mentionTexts(card));
  return { card, bytes: Buffer.byteLength(JSON.stringify(card)) };
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

/**
 * The card of the first view (each saying less than the one before) that fits; the last must.
 * People's words can be of any characters, and escaped they may take more room than they did.
 */
export function renderFittingCard(name: string, views: readonly (() => object)[]): CardJson {
  for (const view of views.slice(0, -1)) {
    const card = renderCardIfFits(name, view());
    if (card) return card;
  }
  const last = views.at(-1);
  return renderCard(name, last ? last() : {});
}

export function cardAttachment(name: string, view: object): Attachment {
  return CardFactory.adaptiveCard(renderCard(name, view));
}
