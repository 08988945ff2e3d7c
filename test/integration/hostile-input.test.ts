import { expect } from "chai";
import {
  actionData,
  cardAction,
  cardIn,
  cardText,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  personalMessage,
  printedDuring,
  startHarness,
  type Harness,
} from "../support/harness.js";

const stackLine = /\n\s+at /;

describe("hostile input at the edge", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const post = async (body: string, contentType = "application/json") => {
    const response = await fetch(`${h.app.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": contentType },
      body,
    });
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      text: await response.text(),
    };
  };
  const linesAbout = (event: string) => h.logLines.filter((line) => line.includes(`"event":"${event}"`));

  it("does not call a turn that failed on our side 'not authenticated' (Teams refusing our reply with 403)", async () => {
    h.teams.failNext = { count: 10, status: 403 };
    const answer = await h.send(personalMessage(h.teams, people.dsl, "help"));
    h.teams.failNext = { count: 0, status: 500 };
    expect(answer.status).to.equal(500);
    expect(JSON.stringify(answer.body ?? "")).not.to.include("not authenticated");
    expect(linesAbout("messages.failed")).to.have.length(1);
  });

  describe("a request that is not an activity", () => {
    it("answers 400 (or 415 for another content type) with a short JSON reason, one log line and no stack anywhere", async () => {
      const message = personalMessage(h.teams, people.dsl, "help");
      const withoutConversation = { ...message, conversation: undefined };
      const depth = 35_000;
      const nested = `${'{"a":'.repeat(depth)}{}${"}".repeat(depth)}`;
      const malformed: [string, string, string?][] = [
        ["no conversation", JSON.stringify(withoutConversation)],
        ["a null type", JSON.stringify({ type: null })],
        ["invalid JSON", "{not json"],
        ["an array", "[1,2,3]"],
        ["a string", '"message"'],
        ["a huge nested object", nested],
        ["an invoke without name or value", JSON.stringify({ ...message, type: "invoke", text: undefined })],
        ["no sender", JSON.stringify({ ...message, from: undefined })],
        ["no service URL", JSON.stringify({ ...message, serviceUrl: undefined })],
        ["a service URL that is not http", JSON.stringify({ ...message, serviceUrl: "file:///etc/passwd" })],
        ["text that is not a string", JSON.stringify({ ...message, text: { html: true } })],
        [
          "a tenant id that is not a string",
          JSON.stringify({ ...message, channelData: { tenant: { id: 7 } } }),
        ],
        ["a mention of nobody", JSON.stringify({ ...message, entities: [{ type: "mention" }] })],
        ["a sender id Cosmos cannot hold", JSON.stringify({ ...message, from: { id: "29:a/b#c" } })],
        ["a form", "type=message&text=help", "application/x-www-form-urlencoded"],
        ["plain text", JSON.stringify(message), "text/plain"],
      ];
      expect(nested.length).to.be.below(256 * 1024);
      const answers: { what: string; status: number; type: string | null; error: unknown }[] = [];
      const printed = await printedDuring(async () => {
        for (const [what, body, contentType] of malformed) {
          const answer = await post(body, contentType);
          answers.push({
            what,
            status: answer.status,
            type: answer.type,
            error: (JSON.parse(answer.text) as { error?: unknown }).error,
          });
        }
      });
      for (const answer of answers) {
        expect(answer.status, answer.what).to.equal(
          answer.what === "a form" || answer.what === "plain text" ? 415 : 400,
        );
        expect(answer.type, answer.what).to.match(/^application\/json/);
        expect(answer.error, answer.what).to.be.a("string").with.length.within(10, 300);
      }
      expect(linesAbout("messages.refused.malformed")).to.have.length(malformed.length);
      expect(h.logLines.filter((line) => line.includes("    at "))).to.deep.equal([]);
      expect(linesAbout("turn")).to.deep.equal([]);
      expect(linesAbout("messages.failed")).to.deep.equal([]);
      expect(printed).not.to.match(stackLine);
      expect(printed).to.equal("");
      // A well-formed message after all that is still answered.
      expect((await h.send(message)).status).to.equal(200);
      expect(cardText(cardIn(h.teams.replies(personalConversationId(people.dsl)).at(-1)!))).to.include(
        "refer",
      );
    });
  });

  describe("found by the hostile-input suite (npm run test:fuzz)", () => {
    it("answers 400 to an activity whose id, locale or accounts are not text, rather than failing on its reply", async () => {
      const message = personalMessage(h.teams, people.dsl, "help");
      const press = cardAction(h.teams, people.dsl, "personal", "referral.start", { kind: "school-age" });
      for (const [what, activity] of [
        ["a locale that is a list", { ...message, locale: ["en-GB"] }],
        ["an id that is a number", { ...message, id: -1 }],
        ["a sender's role that is a number", { ...message, from: { ...message.from, role: 7 } }],
        [
          "a conversation's name that is an object",
          { ...press, conversation: { ...press.conversation, name: {} } },
        ],
        ["a button press with a locale that is a list", { ...press, locale: ["en-GB"] }],
      ] as const) {
        expect((await h.send(activity)).status, what).to.equal(400);
      }
      expect(linesAbout("turn.failed")).to.deep.equal([]);
    });

    it("answers an invoke the app does not take (a message extension's, a task module's) with 400, not 501", async () => {
      const press = cardAction(h.teams, people.dsl, "personal", "referral.start", { kind: "school-age" });
      for (const name of ["composeExtension/query", "task/fetch", "conversationUpdate"]) {
        const answer = await h.send({ ...press, name });
        expect(answer.status, name).to.equal(400);
        expect(JSON.stringify(answer.body), name).to.include("does not take that kind of request");
      }
      expect(linesAbout("invoke.refused.unknown")).to.have.length(3);
    });
  });

  describe("an invoke whose value is not what our cards send", () => {
    const marker = "Marker-Value-8812";
    /** An invoke in dsl's personal chat with this value, sent as raw JSON (so `__proto__` stays a key). */
    const invokeRaw = (name: string, valueJson: string | undefined) => {
      const body = JSON.stringify({
        ...cardAction(h.teams, people.dsl, "personal", "referral.next", {}),
        name,
        value: undefined,
      });
      return post(valueJson === undefined ? body : `${body.slice(0, -1)},"value":${valueJson}}`);
    };
    const asResponse = (answer: { status: number; text: string }) => ({
      status: answer.status,
      body: answer.text ? (JSON.parse(answer.text) as unknown) : undefined,
    });
    const noInternalErrors = () => {
      expect(linesAbout("turn.failed")).to.deep.equal([]);
      expect(linesAbout("invoke.failed")).to.deep.equal([]);
      expect(h.logLines.filter((line) => line.includes(marker))).to.deep.equal([]);
    };

    it("answers a button press with a verb that is not a string, or no Action.Execute, with a message and a warning", async () => {
      const envelopes = [
        ...["true", "[]", "null", "{}", "1"].map(
          (verb) => `{"action":{"type":"Action.Execute","verb":${verb},"data":{"note":"${marker}"}}}`,
        ),
        `{"action":{"type":"Action.Execute","verb":"${"case.".padEnd(5000, "x")}","data":{}}}`,
        "null",
        "{}",
        '{"action":"case.refresh"}',
        '{"action":{"type":"Action.Submit","verb":"case.refresh","data":{}}}',
        '{"action":{"type":"Action.Execute","verb":"case.refresh","data":"CME-2026-00001"}}',
        '{"action":{"type":"Action.Execute","verb":"case.refresh","data":["CME-2026-00001"]}}',
      ];
      for (const value of [undefined, ...envelopes]) {
        const answer = asResponse(await invokeRaw("adaptiveCard/action", value));
        expect(invokeMessage(answer), value).to.match(/couldn't read that button press.*Nothing was changed/);
      }
      expect(linesAbout("invoke.refused.malformed")).to.have.length(envelopes.length + 1);
      noInternalErrors();
    });

    it("refuses a draft id that is not one of the person's own drafts, and never reaches Cosmos with it", async () => {
      await h.send(personalMessage(h.teams, people.dsl, "refer school"));
      const card = cardIn(h.teams.replies(personalConversationId(people.dsl)).at(-1)!);
      const next = actionData(card, "referral.next");
      const send = (draftId: unknown) =>
        h.send(cardAction(h.teams, people.dsl, "personal", "referral.next", { ...next, draftId }));
      for (const draftId of [
        "a/b",
        "a\\b",
        "a#b",
        "a?b",
        "x".repeat(5000),
        42,
        `${people.officer.id}|school-age`,
      ]) {
        expect(invokeMessage(await send(draftId)), String(draftId)).to.match(
          /missing what I need|not about one of your referrals/,
        );
      }
      expect(linesAbout("invoke.refused.malformed")).to.have.length(7);
      noInternalErrors();
      // The person's own card still works.
      expect(invokeCard(await send(next.draftId))).to.be.an("object");
    });

    it("is not fooled by prototype keys in a card's data", async () => {
      const answers = [
        await invokeRaw(
          "adaptiveCard/action",
          '{"action":{"type":"Action.Execute","verb":"case.refresh","data":{"__proto__":{"caseId":"CME-2026-00001"},"constructor":"x"}}}',
        ),
        await invokeRaw(
          "adaptiveCard/action",
          '{"action":{"type":"Action.Execute","verb":"referral.next","data":{"__proto__":{"draftId":"29:dsl|school-age","version":1},"constructor":{"prototype":{}}}}}',
        ),
      ];
      expect(invokeMessage(asResponse(answers[0]!))).to.match(/does not say which case/);
      expect(invokeMessage(asResponse(answers[1]!))).to.match(/missing what I need/);
      expect(linesAbout("invoke.refused.malformed")).to.have.length(2);
      noInternalErrors();
    });

    it("refuses a case card's page, revision or question number out of bounds with a message", async () => {
      const send = (data: Record<string, unknown>) =>
        h.send(
          cardAction(h.teams, people.officer, "channel", "case.history", {
            caseId: "CME-2026-00001",
            ...data,
          }),
        );
      for (const data of [
        { page: 1e12 },
        { page: [] },
        { revision: -1 },
        { requestId: "1".repeat(5000) },
        { page: "1e3" },
      ]) {
        expect(invokeMessage(await send(data)), JSON.stringify(data)).to.match(/does not say which case/);
      }
      expect(linesAbout("invoke.refused.malformed")).to.have.length(5);
      noInternalErrors();
    });

    it("answers a file consent without a value, or with an action it does not know, with a message and shares nothing", async () => {
      for (const value of [
        undefined,
        '{"action":"maybe"}',
        '{"action":"accept","uploadInfo":{"uploadUrl":"not a url"}}',
      ]) {
        expect((await invokeRaw("fileConsent/invoke", value)).status, value).to.equal(200);
        expect(h.teams.replies(personalConversationId(people.dsl)).at(-1)?.body.text, value).to.match(
          /couldn't read your answer about the file, so nothing was shared/,
        );
      }
      expect(h.teams.uploads).to.deep.equal([]);
      expect(linesAbout("invoke.refused.malformed")).to.have.length(3);
      noInternalErrors();
    });
  });

  describe("a typed message", () => {
    it("answers a message without text with help, and a huge one with help saying it is too long", async () => {
      const replies = () => h.teams.replies(personalConversationId(people.dsl));
      const withoutText = { ...personalMessage(h.teams, people.dsl, ""), text: undefined };
      expect((await h.send(withoutText)).status).to.equal(200);
      expect(cardText(cardIn(replies().at(-1)!))).to.include("refer");
      expect(
        (await h.send(personalMessage(h.teams, people.dsl, `refer ${"x".repeat(200_000)}`))).status,
      ).to.equal(200);
      expect(replies().at(-2)?.body.text).to.equal(
        "That message is too long to be a command. Here is what I can do:",
      );
      expect(linesAbout("turn.failed")).to.deep.equal([]);
    });
  });
});
