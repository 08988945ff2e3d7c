import { expect } from "chai";
import type { FakeBotFramework } from "../support/jwks.js";
import {
  startAzureModeBot,
  botAppId,
  inTenant,
  schoolTenantId,
  signToken,
  signingKey,
} from "../support/jwks.js";
import {
  cardAction,
  eventually,
  people,
  personalConversationId,
  personalMessage,
  printedDuring,
  tenantId,
  type Harness,
} from "../support/harness.js";

describe("security: Bot Framework tokens, with an app id (the real CloudAdapter and server)", () => {
  let bf: FakeBotFramework;
  let h: Harness;
  let close: () => Promise<void>;
  before(async () => {
    ({ bf, h, close } = await startAzureModeBot());
  });
  after(() => close());

  const chat = () => personalConversationId(people.dsl);
  const sentTo = (conversation: string) =>
    h.teams.sent.filter((each) => each.conversationId === conversation);
  const repliesIn = (conversation: string) => sentTo(conversation).length;

  it("accepts a token the Bot Framework signed for this bot: the turn runs and answers", async () => {
    const before = repliesIn(chat());
    const response = await h.send(
      personalMessage(h.teams, people.dsl, "help"),
      bf.token(botAppId, h.teams.url),
    );
    expect(response.status).to.equal(200);
    expect(repliesIn(chat())).to.be.greaterThan(before);
  });

  const now = Math.floor(Date.now() / 1000);
  const refused: [string, () => string][] = [
    ["no token at all", () => ""],
    ["an unsigned token (alg none)", () => signToken(claims(), { key: bf.key, alg: "none" })],
    [
      "a token signed by another key, under the bot's key id",
      () => signToken(claims(), { key: { ...signingKey(bf.key.kid) } }),
    ],
    [
      "a token signed by a key the Bot Framework does not publish",
      () => signToken(claims(), { key: signingKey("other") }),
    ],
    [
      "an expired token (past the 5 minutes' leeway)",
      () => bf.token(botAppId, h.teams.url, { exp: now - 600, iat: now - 4000, nbf: now - 4000 }),
    ],
    ["a token not yet valid", () => bf.token(botAppId, h.teams.url, { nbf: now + 3600, iat: now })],
    [
      "a token for another app (wrong audience)",
      () => bf.token(botAppId, h.teams.url, { aud: "another-bot" }),
    ],
    [
      "a token signed by a published key endorsed for another channel (Web Chat), not for Teams",
      () => signToken(claims(), { key: bf.webChatKey }),
    ],
    ["a token from another issuer", () => bf.token(botAppId, h.teams.url, { iss: "https://evil.example" })],
    ["a token for another Teams service address", () => bf.token(botAppId, "https://smba.evil.example/")],
  ];
  function claims() {
    return {
      iss: "https://api.botframework.com",
      aud: botAppId,
      serviceurl: h.teams.url,
      nbf: now - 60,
      exp: now + 3600,
    };
  }

  for (const [what, token] of refused) {
    it(`refuses ${what} with 401: no turn runs, nothing of the message is printed or logged`, async () => {
      const sentBefore = h.teams.sent.length;
      const linesBefore = h.logLines.length;
      let status = 0;
      const text = "status of Amelia Testchild";
      const printed = await printedDuring(async () => {
        status = (await h.send(personalMessage(h.teams, people.dsl, text), token())).status;
      });
      expect(status).to.equal(401);
      // botbuilder itself prints a line for a bad signature or an expired token (the key id, the
      // public key, the time): never the message.
      expect(printed).not.to.match(/Testchild|Amelia/);
      expect(h.teams.sent.length, "nothing sent to Teams").to.equal(sentBefore);
      const lines = h.logLines.slice(linesBefore);
      expect(
        lines.some((line) => line.includes('"event":"turn"')),
        "no turn ran",
      ).to.equal(false);
      expect(lines.join("\n")).not.to.include("Testchild");
    });
  }

  it("refuses a good token whose activity comes from a tenant not in ALLOWED_TENANT_IDS: no route runs", async () => {
    const stranger = "0ther000-0000-4000-8000-00000000bad1";
    const linesBefore = h.logLines.length;
    const message = inTenant(personalMessage(h.teams, people.dsl, "my referrals"), stranger);
    const response = await h.send(message, bf.token(botAppId, h.teams.url));
    expect(response.status).to.equal(200);
    const reply = sentTo(chat()).at(-1);
    expect(JSON.stringify(reply?.body)).to.include("Your organisation is not set up to use CME Referrals");
    const lines = h.logLines.slice(linesBefore).join("\n");
    expect(lines).to.include("turn.refused.tenant");
    expect(lines).not.to.include("my referrals");
    expect(lines).not.to.match(/"event":"(invoke|referral|case)\./);
  });
});

describe("security: schools in their own tenants (a SingleTenant bot on a multi-tenant app registration)", () => {
  let bf: FakeBotFramework;
  let h: Harness;
  let close: () => Promise<void>;
  before(async () => {
    ({ bf, h, close } = await startAzureModeBot());
  });
  after(() => close());

  const schoolChat = personalConversationId(people.dsl);
  const sentTo = (conversation: string) =>
    h.teams.sent.filter((each) => each.conversationId === conversation);

  it("posts to a school user's chat (proactively, from the outbox) with a token from the bot's own tenant", async () => {
    await h.app.services.outbox.postPersonalCard(
      "school-notice|1",
      { id: schoolChat, serviceUrl: h.teams.url, userId: people.dsl.id, tenantId: schoolTenantId },
      "referral-reminder",
      { title: "A referral you started", expiresOn: "1 Dec 2026" },
    );
    await eventually(() => expect(h.teams.posts(schoolChat)).to.have.length(1));
    // The bot's first token (this bot has asked for none before): of its own tenant, not the school's.
    expect(bf.tokenRequests).to.deep.equal([
      { tenant: tenantId, clientId: botAppId, scope: "https://api.botframework.com/.default" },
    ]);
  });

  it("accepts an activity from an allowed school's tenant, and answers with a token from the bot's own tenant", async () => {
    const message = inTenant(personalMessage(h.teams, people.dsl, "help"), schoolTenantId);
    const response = await h.send(message, bf.token(botAppId, h.teams.url));
    expect(response.status).to.equal(200);
    expect(sentTo(schoolChat)).to.have.length.greaterThan(0);
    expect(bf.tokenRequests.map((each) => each.tenant)).to.have.members([tenantId]);
  });

  it("refuses a button pressed in a tenant that is not allowed with 403, and nothing runs", async () => {
    const invoke = inTenant(
      cardAction(h.teams, people.dsl, "personal", "referral.start", {}),
      "0ther000-0000-4000-8000-00000000bad2",
    );
    const response = await h.send(invoke, bf.token(botAppId, h.teams.url));
    expect(response.status).to.equal(403);
    expect(JSON.stringify(response.body)).to.include("This organisation is not allowed to use CME Referrals");
  });
});

describe("security: the bot's own tokens from Entra (a SingleTenant bot with a secret)", () => {
  let bf: FakeBotFramework;
  let h: Harness;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ bf, h, close } = await startAzureModeBot());
  });
  afterEach(() => close());

  it("says why Entra refused a token (its error and AADSTS code, never the secret) when a send fails", async () => {
    bf.refuseTokens = {
      status: 401,
      body: {
        error: "invalid_client",
        error_description: "AADSTS7000215: Invalid client secret provided. Trace ID: 1234",
        error_codes: [7000215],
      },
    };
    await h.app.services.outbox.postPersonalCard(
      "refused-token|1",
      { id: personalConversationId(people.dsl), serviceUrl: h.teams.url, userId: people.dsl.id, tenantId },
      "referral-reminder",
      { title: "A referral you started", expiresOn: "1 Dec 2026" },
    );
    const failed = await eventually(() => {
      const line = h.logLines.find((each) => each.includes('"event":"outbox.delivery.failed"'));
      expect(line).to.be.a("string");
      return line!;
    });
    expect(failed).to.include("token request answered 401 (invalid_client, AADSTS7000215)");
    expect(h.logLines.join("\n")).not.to.include("bot-secret-from-key-vault");
  });

  it("asks Entra once for the many sends of a cold start, not once each", async () => {
    const asking = [people.dsl, people.officer, people.officer2, people.manager].map((who) =>
      h.send(personalMessage(h.teams, who, "help"), bf.token(botAppId, h.teams.url)),
    );
    expect((await Promise.all(asking)).map((answer) => answer.status)).to.deep.equal([200, 200, 200, 200]);
    expect(bf.tokenRequests).to.have.length(1);
  });
});
