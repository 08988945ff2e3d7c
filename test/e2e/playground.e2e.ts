// End-to-end: the real bot and the real Microsoft 365 Agents Playground, driven in headless Chromium.
//
// Not part of `npm test` (the default spec is test/**/*.test.ts). Run it on its own with the
// following (--no-config: mocha otherwise adds .mocharc.json's spec to any file named here):
//   npm run test:e2e
// It needs Debian's chromium at /usr/bin/chromium and the `playwright-core` package (which never
// downloads a browser); without either it skips. It uses ports 3978 (bot) and 56150 (Playground),
// which must be free. Screenshots and the processes' logs go to a temp dir printed at the start.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { extractListTitles } from "../../bot/referrals/extract-referral.js";
import { ukDate } from "../../bot/shared/uk-dates.js";
import { extractLines, plannedPupils } from "../support/pupil-extract-generator.js";

const chromiumPath = "/usr/bin/chromium";
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const botUrl = "http://127.0.0.1:3978";
const playgroundUrl = "http://localhost:56150/";
/** Markdown and HTML typed by a person: a card must show these characters, not a link or bold. */
const hostileWords = "[link](https://evil.example/p) **bold** <b>x</b>";

// The little of playwright-core's API used here, typed locally so that typecheck and lint pass
// on machines where playwright-core is not installed.
interface Locator {
  click(): Promise<void>;
  check(): Promise<void>;
  fill(value: string): Promise<void>;
  press(key: string): Promise<void>;
  pressSequentially(text: string): Promise<void>;
  waitFor(options?: { timeout?: number }): Promise<void>;
  innerText(): Promise<string>;
  count(): Promise<number>;
  filter(options: { hasText?: string | RegExp }): Locator;
  getByRole(role: string, options?: { name?: string | RegExp; exact?: boolean }): Locator;
  getByLabel(text: string | RegExp, options?: { exact?: boolean }): Locator;
  locator(selector: string): Locator;
  last(): Locator;
  first(): Locator;
  nth(index: number): Locator;
  scrollIntoViewIfNeeded(): Promise<void>;
}
interface Page {
  goto(url: string): Promise<unknown>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  locator(selector: string): Locator;
  getByRole(role: string, options?: { name?: string | RegExp; exact?: boolean }): Locator;
  getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  route(url: RegExp, handler: (route: { abort(): Promise<void> }) => Promise<void>): Promise<void>;
  readonly keyboard: { press(key: string): Promise<void>; insertText(text: string): Promise<void> };
}
interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface PlaywrightCore {
  chromium: {
    launchPersistentContext(
      userDataDir: string,
      options: {
        executablePath: string;
        headless: boolean;
        args: string[];
        viewport: { width: number; height: number };
        timeout?: number;
        timezoneId?: string;
      },
    ): Promise<BrowserContext>;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `text` appears in the process's stdout; rejects if it exits or time runs out. */
function waitForOutput(child: ChildProcess, text: string, timeoutMs: number, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${name} did not print "${text}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${name} exited (code ${code}) before printing "${text}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
    };
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

async function waitForHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the bot exited (code ${child.exitCode}) before ${url} answered`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

async function portIsFree(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return false;
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    return code === "ECONNREFUSED";
  }
}

describe("end to end: the bot in the Microsoft 365 Agents Playground (headless Chromium)", function () {
  this.timeout(180_000);

  let outDir = "";
  let userDataDir = "";
  const children: ChildProcess[] = [];
  let context: BrowserContext | undefined;
  let page: Page;
  let shot = 0;
  /** The case the first test made (the second works with it). */
  let caseReference = "";
  /** The case the safeguarding test made: urgent, unassigned, and past its joint-enquiries day. */
  let urgentReference = "";

  /** Starts a process in its own process group, logging its output to outDir/<name>.log. */
  function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log = createWriteStream(join(outDir, `${name}.log`));
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    children.push(child);
    return child;
  }

  async function screenshot(name: string): Promise<void> {
    shot += 1;
    await page.screenshot({ path: join(outDir, `${String(shot).padStart(2, "0")}-${name}.png`) });
  }

  before(async function () {
    if (!existsSync(chromiumPath)) {
      console.log(
        `    (skipped: no Chromium at ${chromiumPath}; on Debian/Ubuntu: apt-get install chromium)`,
      );
      this.skip();
    }
    let playwright: PlaywrightCore;
    try {
      const specifier = "playwright-core";
      playwright = (await import(specifier)) as PlaywrightCore;
    } catch {
      console.log(
        "    (skipped: the playwright-core package cannot be imported; npm install playwright-core)",
      );
      this.skip();
    }
    for (const port of [3978, 56150]) {
      if (!(await portIsFree(port)))
        throw new Error(`port ${port} is in use: stop whatever is listening there`);
    }
    outDir = mkdtempSync(join(tmpdir(), "cme-e2e-"));
    userDataDir = mkdtempSync(join(tmpdir(), "cme-e2e-chromium-"));
    console.log(`    screenshots and logs: ${outDir}`);

    // The bot in local mode (no MICROSOFT_APP_ID: auth off, Cosmos embedded, local.env presets).
    const botEnv: NodeJS.ProcessEnv = { ...process.env, PORT: "3978" };
    delete botEnv.MICROSOFT_APP_ID;
    const bot = start("bot", process.execPath, ["--import", "tsx", "bot/index.ts"], botEnv);
    const playground = start(
      "playground",
      join(repoRoot, "node_modules", ".bin", "agentsplayground"),
      ["-e", `${botUrl}/api/messages`, "-c", "msteams", "--disable-telemetry"],
      { ...process.env, TEAMSAPPTESTER_BROWSER: "none" },
    );
    await Promise.all([
      waitForHealthy(`${botUrl}/healthz`, bot, 60_000),
      waitForOutput(playground, "Listening on", 60_000, "the Playground"),
    ]);

    context = await playwright.chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      timeout: 60_000,
      timezoneId: "UTC",
      viewport: { width: 1600, height: 1000 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    // The Playground's page fetches fonts and animations from Microsoft's CDN: not needed here.
    await page.route(/^https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])/, (route) => route.abort());
    await page.goto(playgroundUrl);
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && context) {
      await screenshot("failure").catch(() => undefined);
      console.log(`    failed: see the screenshots and logs in ${outDir}`);
    }
  });

  after(async function () {
    await context?.close().catch(() => undefined);
    for (const child of children) {
      if (child.exitCode !== null || child.pid === undefined) continue;
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    await sleep(500);
    for (const child of children) {
      if (child.exitCode !== null || child.pid === undefined) continue;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  /**
   * The message box of the open conversation (the Log Panel is contenteditable too, and a channel
   * has two: "Start a new post" and a thread's reply box, so this is for chats only).
   */
  const messageBox = () => page.locator('div[contenteditable="true"][data-lexical-editor="true"]');
  /** The newest Adaptive Card in the open conversation that shows `text`. */
  const cardWith = (text: string | RegExp) =>
    page.locator(".ac-adaptiveCard").filter({ hasText: text }).last();

  /** The Playground's stand-in for the nth file consent card (from 1): it does not draw them. */
  const fileOffer = (nth: number) =>
    page.getByText("File Consent Card is not supported yet", { exact: true }).nth(nth - 1);

  /** Opens a chat from the left rail and waits until its one message box is the only one shown. */
  async function openChat(name: string): Promise<void> {
    await page.getByRole("treeitem", { name, exact: true }).click();
    const deadline = Date.now() + 15_000;
    while ((await messageBox().count()) !== 1) {
      if (Date.now() > deadline) throw new Error(`the chat "${name}" did not open`);
      await sleep(100);
    }
  }

  /** Opens a channel from the left rail and waits for its "Start a new post" box. */
  async function openChannel(name: string): Promise<void> {
    await page.getByRole("treeitem", { name, exact: true }).click();
    await page.getByText("Start a new post").waitFor({ timeout: 15_000 });
  }

  async function say(text: string): Promise<void> {
    const box = messageBox();
    await box.click();
    await box.pressSequentially(text);
    await box.press("Enter");
  }

  /** The front door's three questions on the first card. */
  async function answerFrontDoor(card: Locator, onRoll: string, known: string, inContact?: string) {
    await card
      .getByRole("radiogroup", { name: "still on your school's roll" })
      .getByRole("radio", { name: onRoll, exact: true })
      .check();
    await card
      .getByRole("radiogroup", { name: "know where the child is" })
      .getByRole("radio", { name: known, exact: true })
      .check();
    if (inContact)
      await card
        .getByRole("radiogroup", { name: "is the family in contact" })
        .getByRole("radio", { name: inContact, exact: true })
        .check();
  }

  /** What happened, and whether the child is in immediate danger, on the first card. */
  async function answerWhatHappened(card: Locator, what: string, inDanger: "Yes" | "No") {
    await card.getByRole("radiogroup", { name: "What happened?" }).getByRole("radio", { name: what }).check();
    await card
      .getByRole("radiogroup", { name: "Is the child in immediate danger?" })
      .getByRole("radio", { name: inDanger })
      .check();
  }

  /** Steps 3 to 7 and the review of a school-age referral; its reference once submitted. */
  async function fromFamilyToSubmitted(parentPhone: string, shotPrefix = ""): Promise<string> {
    let card = cardWith("Step 3 of 8");
    await card.waitFor({ timeout: 30_000 });
    await card.getByLabel(/^Name/).fill("Sam Testparent");
    await card.getByLabel("Relationship to the child").fill("Mother");
    await card.getByLabel(/^Phone/).fill(parentPhone);
    await screenshot(`${shotPrefix}step-3-family`);
    await card.getByRole("button", { name: "Next" }).click();

    card = cardWith("Step 4 of 8");
    await card.waitFor({ timeout: 30_000 });
    await card.getByRole("textbox", { name: "School (required)" }).fill("Example Primary School");
    await card.getByLabel("Date the child last attended").fill("2026-11-02");
    await card
      .getByRole("radiogroup", { name: "Still on roll?" })
      .getByRole("radio", { name: "Still on roll" })
      .check();
    await screenshot(`${shotPrefix}step-4-school`);
    await card.getByRole("button", { name: "Next" }).click();

    card = cardWith("Step 5 of 8");
    await card.waitFor({ timeout: 30_000 });
    await card.getByLabel("Designated safeguarding lead's name").fill("Mina Manager");
    await card.getByLabel("appraisal of the risk").fill("No contact for three weeks.");
    await screenshot(`${shotPrefix}step-5-vulnerability`);
    await card.getByRole("button", { name: "Next" }).click();

    // No enquiries recorded: the review will ask why.
    card = cardWith("Step 6 of 8");
    await card.waitFor({ timeout: 30_000 });
    await screenshot(`${shotPrefix}step-6-enquiries`);
    await card.getByRole("button", { name: "Next" }).click();

    card = cardWith("Step 7 of 8");
    await card.waitFor({ timeout: 30_000 });
    await card.getByLabel("Your role").fill("CME manager");
    await card.getByLabel("School or setting").fill("Example Primary School");
    await card.getByLabel("DfE number").fill("855/2001");
    await card.getByLabel("Your phone").fill("0116 496 0000");
    await card
      .getByRole("radiogroup", { name: "Have the parents been told" })
      .getByRole("radio", { name: "No", exact: true })
      .check();
    await screenshot(`${shotPrefix}step-7-about-you`);
    await card.getByRole("button", { name: "Next" }).click();

    card = cardWith("Enquiries not made yet");
    const receivedBefore = await page
      .locator(".ac-adaptiveCard")
      .filter({ hasText: /Referral received: CME-/ })
      .count();
    const submit = card.getByRole("button", { name: "Submit referral" });
    await submit.waitFor({ timeout: 30_000 });
    await card
      .getByLabel("Why are you referring")
      .fill("The family told a neighbour they have left for good.");
    await screenshot(`${shotPrefix}review`);
    await submit.click();

    const received = page
      .locator(".ac-adaptiveCard")
      .filter({ hasText: /Referral received: CME-\d{4}-\d{5}/ })
      .nth(receivedBefore);
    await received.waitFor({ timeout: 30_000 });
    const reference = /CME-\d{4}-\d{5}/.exec(await received.innerText())?.[0];
    expect(reference, "the reference on the 'Referral received' card").to.match(/^CME-\d{4}-\d{5}$/);
    await screenshot(`${shotPrefix}referral-received`);
    return reference!;
  }

  it("takes a referral in personal chat, posts the case to the CME channel, works it from new to closed on its card and reopens it with markup in the reason", async function () {
    // Personal chat: `refer`, then the wizard's seven steps and the review.
    await openChat("Personal Chat");
    await say("refer school");
    let card = cardWith("Step 1 of 8");
    await card.waitFor({ timeout: 30_000 });
    await answerFrontDoor(card, "Yes", "No");
    await answerWhatHappened(card, "Whereabouts unknown, no contact with the family", "No");
    await screenshot("step-1-what-happened");
    await card.getByRole("button", { name: "Next" }).click();

    card = cardWith("Step 2 of 8");
    await card.waitFor({ timeout: 30_000 });
    await card.getByLabel("Legal forename(s)").fill("Amelia Rose");
    await card.getByLabel(/^Surname/).fill("Testchild");
    await card.getByLabel("Date of birth").fill("2015-03-14");
    await card.getByRole("radiogroup", { name: "Sex" }).getByRole("radio", { name: "Female" }).check();
    await card.getByLabel(/^Address/).fill("12 Example Road, Wigston");
    await card.getByLabel(/^Postcode/).fill("LE18 4AB");
    await screenshot("step-2-the-child");
    await card.getByRole("button", { name: "Next" }).click();

    const reference = await fromFamilyToSubmitted("07700 900123");

    // The CME cases channel: the case card, worked from new to closed entirely from the card.
    await openChannel("CME Team - CME cases");
    const caseCard = () => cardWith(reference);
    await cardWith(/School-age CME referral: Amelia/).waitFor({ timeout: 30_000 });
    expect(await caseCard().innerText()).to.match(/Owner\s*Unassigned/);
    await screenshot("case-card");

    /**
     * Presses a button of the case card's working view. Teams refreshes the card into that view
     * for CME team members (Universal Actions); where a client has not (the Playground does not),
     * the card's Open button does the same. Every change also updates the card for everyone, which
     * shows the read-only summary again, so each step opens it afresh.
     */
    async function onCaseCard(button: string): Promise<void> {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const target = caseCard().getByRole("button", { name: button, exact: true });
        if ((await target.count()) > 0) {
          await target.click();
          return;
        }
        const open = caseCard().getByRole("button", { name: "Open", exact: true });
        if ((await open.count()) > 0) await open.click();
        if (Date.now() > deadline) throw new Error(`no "${button}" on the case card`);
        await sleep(500);
      }
    }

    /** Picks from a compact choice set (the Playground draws it as a Fluent combobox). */
    async function choose(label: RegExp, option: string): Promise<void> {
      await caseCard().getByRole("combobox", { name: label }).click();
      await page.getByRole("option", { name: option, exact: true }).click();
    }

    await onCaseCard("Assign to me");
    await cardWith(/Owner\s*Mina Manager/).waitFor({ timeout: 30_000 });
    await screenshot("case-assigned");
    await sleep(1000); // the update for everyone lands

    await onCaseCard("Start enquiries…");
    await choose(/^DfE primary reason/, "Believed to have moved to another local authority");
    await screenshot("case-start-enquiries");
    await caseCard().getByRole("button", { name: "Save", exact: true }).click();
    await cardWith(/Status\s*In progress/).waitFor({ timeout: 30_000 });
    await sleep(1000);

    await onCaseCard("Log enquiry…");
    await choose(/^Kind of enquiry/, "Council tax");
    await caseCard()
      .getByLabel(/^Date \(required\)/)
      .fill("2026-11-20");
    await caseCard().getByLabel("Who was contacted").fill("Council tax team");
    await caseCard()
      .getByLabel(/^Outcome/)
      .fill("Account closed; new address in Nottingham");
    await screenshot("case-log-enquiry");
    await caseCard().getByRole("button", { name: "Log enquiry", exact: true }).click();
    await cardWith(/1 enquiries logged/).waitFor({ timeout: 30_000 });
    await sleep(1000);

    await onCaseCard("Close…");
    await choose(/^Outcome/, "On roll in another LA, confirmed");
    await caseCard().getByLabel("Where the child is now").fill("On roll at Oakfield Academy, Nottingham");
    await screenshot("case-close");
    await caseCard().getByRole("button", { name: "Close case" }).click();
    await cardWith(/Status\s*Closed/).waitFor({ timeout: 30_000 });
    await screenshot("case-closed");
    await sleep(1000);

    // Reopened, with markup in the reason: History must show the words as typed, nothing more.
    await onCaseCard("Reopen…");
    await caseCard().getByLabel(/^Why/).fill(hostileWords);
    await screenshot("case-reopen");
    await caseCard().getByRole("button", { name: "Reopen", exact: true }).click();
    await cardWith(/Status\s*In progress/).waitFor({ timeout: 30_000 });
    await sleep(1000);

    await onCaseCard("History");
    const history = cardWith(`History of ${reference}`);
    await history.waitFor({ timeout: 30_000 });
    const chronology = await history.innerText();
    for (const step of [
      "Reopened",
      "Closed (was In progress)",
      "Enquiry logged",
      "Status: New → In progress",
      "DfE reason: Believed to have moved to another local authority",
      "Assigned to Mina Manager",
      "Referral submitted",
    ]) {
      expect(chronology).to.contain(step);
    }
    // Shown as typed: no link, no bold, and none of the escaping (backslashes, entities) visible.
    expect(chronology).to.contain(hostileWords);
    expect(await history.locator('a[href*="evil.example"]').count(), "a link").to.equal(0);
    expect(await history.locator("strong, b").count(), "bold markup").to.equal(0);
    await screenshot("case-history");
    caseReference = reference;
  });

  it("puts safeguarding first: redirects an on-roll absent pupil, alerts the channel from the first card of a child in danger, and takes a referral of a family with no fixed abode", async function () {
    await page.setViewportSize({ width: 1600, height: 1000 });
    await openChat("Personal Chat");
    await say("refer school");
    let card = cardWith("Step 1 of 8");
    await card.waitFor({ timeout: 30_000 });

    // On roll, whereabouts known, family in contact: an attendance matter, no case.
    await answerFrontDoor(card, "Yes", "Yes", "Yes");
    await answerWhatHappened(card, "Did not return after a leave of absence", "No");
    await card.getByRole("button", { name: "Next" }).click();
    const redirect = cardWith("This is an attendance matter, not CME");
    await redirect.waitFor({ timeout: 30_000 });
    const redirectText = await redirect.innerText();
    expect(redirectText).to.contain("No CME case has been opened");
    expect(redirectText).to.contain("set ATTENDANCE_SERVICE_CONTACT");
    expect(redirectText).to.contain("set CME_CONTACT_NAME");
    await screenshot("redirect-attendance");

    // Back to the card: nobody knows where the child is after all; and the child is in immediate danger.
    await redirect.getByRole("button", { name: "Back to the referral" }).click();
    card = cardWith("Step 1 of 8");
    await card.waitFor({ timeout: 30_000 });
    await answerFrontDoor(card, "Yes", "No");
    await answerWhatHappened(card, "Whereabouts unknown, no contact with the family", "Yes");
    await card.getByRole("button", { name: "Next" }).click();
    await cardWith("Step 2 of 8").waitFor({ timeout: 30_000 });

    // The referrer has said no more than that, and could close the chat now: the team already knows.
    await openChannel("CME Team - CME cases");
    const alert = () => cardWith("Immediate danger: a referral is being made now");
    await alert().waitFor({ timeout: 30_000 });
    const alertText = await alert().innerText();
    expect(alertText).to.contain("Not submitted yet");
    expect(alertText).to.contain("Whereabouts unknown, no contact with the family");
    await screenshot("danger-alert");

    // The referrer comes back to it (a card left behind is not filled in again: 'resume' shows it
    // afresh): no fixed abode, so no address or postcode; the parent's phone not known.
    await openChat("Personal Chat");
    const leftBehind = await page.locator(".ac-adaptiveCard").filter({ hasText: "Step 2 of 8" }).count();
    await say("resume");
    await page
      .locator(".ac-adaptiveCard")
      .filter({ hasText: "Step 2 of 8" })
      .nth(leftBehind)
      .waitFor({ timeout: 30_000 });
    card = cardWith("Step 2 of 8");
    await card.getByLabel("Legal forename(s)").fill("Noah");
    await card.getByLabel(/^Surname/).fill("Testtraveller");
    await card.getByLabel("Date of birth").fill("2016-06-01");
    await card.getByRole("radiogroup", { name: "Sex" }).getByRole("radio", { name: "Not known" }).check();
    await card
      .getByRole("radiogroup", { name: "Current address" })
      .getByRole("radio", { name: "No fixed abode" })
      .check();
    await screenshot("nfa-step-2-the-child");
    await card.getByRole("button", { name: "Next" }).click();
    const reference = await fromFamilyToSubmitted("not known", "nfa-");

    // The alert now names the case; no second urgent card was raised for it.
    await openChannel("CME Team - CME cases");
    await cardWith(`Submitted as ${reference}`).waitFor({ timeout: 30_000 });
    await cardWith(/School-age CME referral: Noah Testtraveller/).waitFor({ timeout: 30_000 });
    expect(await page.locator(".ac-adaptiveCard").filter({ hasText: "Urgent referral" }).count()).to.equal(0);
    await screenshot("danger-alert-submitted");
    urgentReference = reference;
  });

  it("shows a manager the picture: status's charts, the DfE return and its CSV, the reports, and the case lists", async function () {
    if (!caseReference || !urgentReference) this.skip();
    // Tall cards (four charts, the DfE's tables): a taller window shows each whole in its screenshot.
    await page.setViewportSize({ width: 1600, height: 2300 });
    await openChat("Personal Chat");

    await say("status");
    const status = cardWith("CME cases: status");
    await status.waitFor({ timeout: 30_000 });
    expect(await status.innerText()).to.contain("2 open, 1 unassigned (0 closed)");
    // Drawn as charts (the Playground labels each chart and bar for screen readers), not the fallback.
    for (const chart of [
      "Open cases by status, Vertical bar chart",
      "Open cases by priority, Donut chart",
      "Open cases by owner, Vertical bar chart",
    ])
      await status.locator(`[aria-label="${chart}"]`).waitFor({ timeout: 10_000 });
    // The renderer gives a chart's title to screen readers only: each has a heading to be seen.
    for (const heading of ["Open cases by status", "Open cases by priority", "Open cases by owner"])
      expect(await status.innerText()).to.contain(heading);
    for (const bar of ["In progress, 1", "New, 1", "Mina Manager, 1", "Normal, 1 out of 2, 50%"])
      expect(await status.locator(`[aria-label="${bar}"]`).count(), bar).to.equal(1);
    expect(await status.innerText()).to.match(/Overdue now\s*1/);
    await screenshot("status-charts");

    // The autumn census day before today: the walk's case was referred after it, so nobody counts,
    // and every label of the DfE's tables is there with 0. Then the CSV's file consent card, which
    // the Playground does not draw: it shows its stand-in (and warns in its Log Panel).
    await say("dfe return 2026-10-01");
    const dfe = cardWith("DfE children missing education return");
    await dfe.waitFor({ timeout: 30_000 });
    const dfeText = await dfe.innerText();
    expect(dfeText).to.contain("Census day 1 Oct 2026: 0 children CME");
    expect(dfeText).to.contain("Academic year 2025/26 (1 Sept 2025 to 31 Aug 2026): 0 at any point");
    for (const label of [
      "On the census day",
      "At any point in 2025/26",
      "Year group",
      "Believed to have moved to another local authority",
    ])
      expect(dfeText).to.contain(label);
    expect(dfeText).to.match(/Female\s*0/);
    expect(await dfe.locator('[aria-label$="Vertical bar chart"]').count(), "an empty chart").to.equal(0);
    await fileOffer(1).waitFor({ timeout: 30_000 });
    await screenshot("dfe-return");
    await dfe.locator(".ac-textBlock").first().scrollIntoViewIfNeeded();
    await screenshot("dfe-return-top");

    await say("report");
    const reports = cardWith("What you can ask for");
    await reports.waitFor({ timeout: 30_000 });
    for (const name of ["referrals", "long-running", "leavers", "reached-school-age"])
      expect(await reports.innerText()).to.contain(name);
    await screenshot("reports");

    await say("report referrals");
    // The list of reports names them too: wait for the report itself.
    const referrals = cardWith(/\d+ referrals? received: \d+ new case/);
    await referrals.waitFor({ timeout: 30_000 });
    expect(await referrals.innerText()).to.contain(
      "2 referrals received: 2 new cases and 0 further referrals",
    );
    await referrals.locator('[aria-label="School age, 2 out of 2, 100%"]').waitFor({ timeout: 10_000 });
    expect(await referrals.innerText()).to.match(/Example Primary School\s*2/);
    await fileOffer(2).waitFor({ timeout: 30_000 });
    await screenshot("report-referrals");

    await say("report long-running");
    const longRunning = cardWith(/cases open on .* referred more than 12 weeks before/);
    await longRunning.waitFor({ timeout: 30_000 });
    expect(await longRunning.innerText()).to.match(
      /0 cases open on \d{1,2} \w+ \d{4} that were referred more than 12 weeks before/,
    );
    await fileOffer(3).waitFor({ timeout: 30_000 });
    await screenshot("report-long-running");

    await say("overdue");
    const overdue = cardWith(/^Overdue/);
    await overdue.waitFor({ timeout: 30_000 });
    // The urgent case is past its joint-enquiries day; the reopened one's clocks started again.
    expect(await overdue.innerText()).to.contain("Noah Testtraveller");
    expect(await overdue.innerText()).not.to.contain("Amelia Rose Testchild");
    await overdue.getByRole("button", { name: `Open ${urgentReference}` }).waitFor({ timeout: 10_000 });
    await screenshot("overdue");

    await say("caseload");
    const caseload = cardWith(/^Caseload/);
    await caseload.waitFor({ timeout: 30_000 });
    expect(await caseload.innerText()).to.match(/Mina Manager\s*1 open, 0 urgent, 0 overdue/);
    await screenshot("caseload");

    // A row's button turns the list into that case's card.
    await say("find Testchild");
    const found = cardWith(/^Cases for 'testchild'/i);
    await found.waitFor({ timeout: 30_000 });
    expect(await found.innerText()).to.match(/Amelia Rose Testchild\s*In progress · Mina Manager/);
    await screenshot("find");
    await found.getByRole("button", { name: `Open ${caseReference}` }).click();
    const shown = cardWith(`School-age CME referral: Amelia Rose Testchild`).filter({ hasText: "Work done" });
    await shown.waitFor({ timeout: 30_000 });
    expect(await shown.innerText()).to.match(/Status\s*In progress/);
    await screenshot("case-from-find");
  });

  it("takes a pupil extract sent as Teams sends a file, shows its three lists with counts, and opens a case from a row, which appears in the CME channel", async function () {
    await page.setViewportSize({ width: 1600, height: 2300 });
    // A seeded extract; each list's count is the generator's own plan, not the bot's reading.
    const plans = [...plannedPupils({ seed: 19, rows: 60, importDate: ukDate(new Date()) })];
    const csv = [...extractLines(plans)].join("");
    const files = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/csv" });
      response.end(csv);
    });
    await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
    try {
      const downloadUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/e2e-extract.csv`;
      await openChat("Personal Chat");
      // The Playground has no Teams file upload: its custom activity sends what Teams would.
      await page.getByText("Mock an Activity", { exact: true }).click();
      await page.getByText("Custom activity", { exact: true }).click();
      const editor = page.locator("[role=dialog] .monaco-editor").first();
      await editor.waitFor({ timeout: 15_000 });
      await editor.click();
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Delete");
      await page.keyboard.insertText(
        JSON.stringify({
          type: "message",
          text: "",
          channelId: "msteams",
          serviceUrl: "http://localhost:56150/_connector",
          recipient: { id: "28:cme-referrals-local", name: "CME Referrals" },
          conversation: {
            id: "a:personal-chat-mina",
            conversationType: "personal",
            tenantId: "00000000-0000-0000-0000-0000000c0001",
          },
          from: { id: "29:mina-manager", aadObjectId: "00000000-0000-0000-0000-00000000a005" },
          attachments: [
            {
              contentType: "application/vnd.microsoft.teams.file.download.info",
              name: "e2e-extract.csv",
              contentUrl: downloadUrl,
              content: { downloadUrl, uniqueId: "e2e-extract", fileType: "csv" },
            },
          ],
        }),
      );
      await page.getByRole("button", { name: "Send activity" }).click();

      const findings = cardWith("Pupil extract: e2e-extract.csv");
      await findings.waitFor({ timeout: 60_000 });
      const text = await findings.innerText();
      expect(text).to.contain(`${plans.length} rows read`);
      for (const [list, title] of Object.entries(extractListTitles)) {
        const planned = plans.filter((plan) => plan.lists.includes(list as keyof typeof extractListTitles));
        expect(text).to.contain(`${title}: ${planned.length}`);
      }
      await findings.locator('[aria-label^="Children on each list"]').waitFor({ timeout: 10_000 });
      await screenshot("pupil-extract-lists");

      // The first child of the first list: opened, the row then linked to its case.
      const firstList = extractListTitles["compulsory-no-place"];
      const firstCount = plans.filter((plan) => plan.lists.includes("compulsory-no-place")).length;
      expect(firstCount, "children on the first list").to.be.greaterThan(0);
      const firstName = /^(.+?)\s+new$/m.exec(text.slice(text.indexOf(`${firstList}: ${firstCount}`)))?.[1];
      expect(firstName, "a child on the first list").to.be.a("string");
      await findings.getByRole("button", { name: "Open a case" }).first().click();
      const linked = cardWith("Pupil extract: e2e-extract.csv").filter({
        hasText: /open case CME-\d{4}-\d{5}/,
      });
      await linked.waitFor({ timeout: 30_000 });
      const reference = /open case (CME-\d{4}-\d{5})/.exec(await linked.innerText())?.[1] ?? "";
      await screenshot("pupil-extract-opened");

      await openChannel("CME Team - CME cases");
      const caseCard = cardWith(reference).filter({ hasText: firstName ?? "" });
      await caseCard.waitFor({ timeout: 30_000 });
      expect(await caseCard.innerText()).to.contain("Pupil database report");
      await screenshot("pupil-extract-case-card");
    } finally {
      files.close();
    }
  });
});
