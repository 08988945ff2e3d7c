import { expect } from "chai";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../../bot/config.js";
import { inTurn, jsonLog, silentLog } from "../../bot/log.js";
import { createAdapter } from "../../bot/teams/adapter.js";
import { createServer } from "../../bot/teams/server.js";
import { people, personalMessage, printedDuring, startHarness, type Harness } from "../support/harness.js";

describe("security at the edge", () => {
  describe("with a bot app id (Azure mode)", () => {
    let url = "";
    let turns = 0;
    let close = () => Promise.resolve();
    before(async () => {
      const config = loadConfig({
        MICROSOFT_APP_ID: "00000000-0000-0000-0000-00000000b07",
        MICROSOFT_APP_TYPE: "UserAssignedMSI",
        MICROSOFT_APP_TENANT_ID: "00000000-0000-0000-0000-0000000c0001",
        COSMOS_ENDPOINT: "https://cme.documents.azure.com:443/",
        ALLOWED_TENANT_IDS: "00000000-0000-0000-0000-0000000c0001",
        CME_CONTACT_NAME: "Chris Named-Contact",
        CME_CONTACT_PHONE: "0116 305 1234",
        CME_CONTACT_EMAIL: "cme@council.example",
        ATTENDANCE_SERVICE_CONTACT: "Attendance Support Team",
        EHE_TEAM_CONTACT: "Elective Home Education team",
      });
      // The real CloudAdapter and server, as in Azure; the turn itself must never run.
      const server = createServer({
        adapter: createAdapter(config),
        runTurn: () => {
          turns += 1;
          return Promise.resolve();
        },
        isReady: () => Promise.resolve(true),
        hasCaseChannel: () => Promise.resolve(true),
        log: silentLog,
        messagesPerSecond: 50,
        storeDeadlineMs: config.storeDeadlineMs,
      });
      await new Promise<void>((resolve) => {
        server.listen(0, "127.0.0.1", () => resolve());
      });
      const address: AddressInfo = server.address();
      url = `http://127.0.0.1:${address.port}`;
      close = () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
        });
    });
    after(() => close());

    it("refuses a request with no token, or a token it cannot verify, and runs no turn, printing nothing", async () => {
      const activity = {
        type: "message",
        text: "status",
        channelId: "msteams",
        serviceUrl: "https://smba.example/",
        conversation: { id: "a:personal-chat", conversationType: "personal" },
        from: { id: "29:someone" },
        recipient: { id: "28:cme-bot" },
      };
      const post = (headers: Record<string, string>) =>
        fetch(`${url}/api/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(activity),
        });
      const statuses: number[] = [];
      const printed = await printedDuring(async () => {
        statuses.push((await post({})).status, (await post({ authorization: "Bearer not.a.token" })).status);
      });
      expect(statuses).to.deep.equal([401, 401]);
      expect(printed).to.equal("");
      expect(turns).to.equal(0);
    });

    it("answers a malformed body 400 before authentication, printing nothing", async () => {
      let answer: Response | undefined;
      const printed = await printedDuring(async () => {
        answer = await fetch(`${url}/api/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ type: null }),
        });
      });
      expect(answer?.status).to.equal(400);
      expect(await answer?.json())
        .to.have.property("error")
        .that.is.a("string");
      expect(printed).to.equal("");
      expect(turns).to.equal(0);
    });
  });

  describe("in local mode", () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ MESSAGES_PER_SECOND: "2" });
    });
    after(() => h.close());

    it("answers 429 with Retry-After when messages come faster than the limit, then takes them again", async () => {
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () =>
          h.send(personalMessage(h.teams, people.dsl, "help")).then((r) => r.status),
        ),
      );
      expect(statuses.filter((status) => status === 200)).to.have.length(4); // a burst of twice the rate
      expect(statuses.filter((status) => status === 429)).to.have.length(4);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await h.send(personalMessage(h.teams, people.dsl, "help"))).status).to.equal(200);
    });

    it("refuses a body over 256 KB", async () => {
      const response = await fetch(`${h.app.url}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          ...personalMessage(h.teams, people.dsl, "help"),
          padding: "x".repeat(300 * 1024),
        }),
      });
      expect(response.status).to.equal(413);
    });
  });

  it("redacts personal details from log lines and tags a turn's lines with one correlation id", async () => {
    const lines: string[] = [];
    const log = jsonLog({ write: (line: string) => lines.push(line) });
    log("test", {
      caseId: "CME-2026-00001",
      name: "Amelia",
      child: { surname: "Testchild", dateOfBirth: "2015-03-14" },
    });
    const written = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(written).to.include({
      event: "test",
      caseId: "CME-2026-00001",
      name: "[redacted]",
      level: "info",
    });
    expect(lines[0]).not.to.match(/Amelia|Testchild|2015-03-14/);
    expect(written).not.to.have.property("correlationId");
    await inTurn(async () => {
      log("first", {});
      await new Promise((resolve) => setTimeout(resolve, 5));
      log("second", {});
    });
    await inTurn(() => Promise.resolve(log("another turn", {})));
    const ids = lines.slice(1).map((line) => (JSON.parse(line) as { correlationId?: string }).correlationId);
    expect(ids[0]).to.be.a("string");
    expect(ids[1]).to.equal(ids[0]);
    expect(ids[2]).to.be.a("string").and.not.equal(ids[0]);
  });
});
