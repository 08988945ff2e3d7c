import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isFileStoreAddress } from "../../bot/pupils/extract-source.js";
import { fileDownloadInfo } from "../../bot/teams/dispatch.js";
import {
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
} from "../support/harness.js";
import { azureModeEnvironment, botAppId, embeddedStore, FakeBotFramework } from "../support/jwks.js";

/** Addresses that are not Teams' file store, however they dress up as it. */
const hostile = (local: string) => [
  "http://contoso.sharepoint.com/x.csv",
  "https://evil-sharepoint.com/x.csv",
  "https://sharepoint.com.evil.io/x.csv",
  "https://contoso.sharepoint.com.evil.io/x.csv",
  "https://x@evil.io/x.csv",
  "https://contoso.sharepoint.com@evil.io/x.csv",
  "https://user:pass@contoso.sharepoint.com/x.csv",
  "https://evil.io/contoso.sharepoint.com/x.csv",
  "https://evil.io/?.sharepoint.com",
  "https://evil.io#.sharepoint.com",
  "https://10.0.0.1/x.csv",
  "https://169.254.169.254/metadata",
  "https://2130706433/x.csv",
  "https://0x7f.0.0.1/x.csv",
  "https://[::1]/x.csv",
  "https://[::ffff:127.0.0.1]/x.csv",
  "https://[fe80::1]/x.csv",
  "https://contoso.sharepoint.com:8443/x.csv",
  "https://contoso.sharepoint.com:443@evil.io/x.csv",
  "HTTPS://EVIL-SHAREPOINT.COM/x.csv",
  "https://contoso.sharepoint.com./x.csv",
  "https://contoso.sharepoint.com../x.csv",
  "https://contoso.xn--sharepint-e6a.com/x.csv",
  "https://contoso.sharepoınt.com/x.csv",
  "https://contoso.sharepoint.co/x.csv",
  "https://sharepoint.com/x.csv",
  "file:///etc/passwd",
  "file://contoso.sharepoint.com/x.csv",
  "data:text/csv,UPN,Name",
  "javascript:alert(1)",
  "ftp://contoso.sharepoint.com/x.csv",
  "//contoso.sharepoint.com/x.csv",
  "contoso.sharepoint.com/x.csv",
  "",
  `${local}/x.csv`,
  `${local.replace("http:", "https:")}/x.csv`,
  `${local.replace("127.0.0.1", "localhost")}/x.csv`,
  `${local.replace("127.0.0.1", "[::1]")}/x.csv`,
  `https://contoso.sharepoint.com@${local.replace("http://", "")}/x.csv`,
];

describe("security: the pupil extract download allow-list", () => {
  it("takes Teams' file store (https, *.sharepoint.com, its own port) and a configured host, nothing else", () => {
    const azure = { localMode: false, hosts: ["files.council.example"] };
    for (const address of [
      "https://contoso.sharepoint.com/x.csv",
      "https://contoso-my.sharepoint.com/personal/dsl/_layouts/15/download.aspx?UniqueId=1",
      "HTTPS://Contoso-My.SharePoint.com/x.csv",
      "https://contoso.sharepoint.com:443/x.csv",
      "https://files.council.example/x.csv",
    ])
      expect(isFileStoreAddress(address, azure), address).to.equal(true);
    const refused = hostile("http://127.0.0.1:9").filter((address) => isFileStoreAddress(address, azure));
    expect(refused, "taken though not the file store").to.deep.equal([]);
    // Local mode takes loopback too (tests, the Playground), and still nothing of the rest.
    const local = { localMode: true, hosts: [] };
    expect(isFileStoreAddress("http://127.0.0.1:9/x.csv", local)).to.equal(true);
    expect(
      hostile("http://192.0.2.1:9").filter((address) => isFileStoreAddress(address, local)),
      "local mode takes only what the URL parser reads as loopback",
    ).to.deep.equal(["https://2130706433/x.csv", "https://0x7f.0.0.1/x.csv", "https://[::1]/x.csv"]);
  });

  describe("through the server, with an app id: no request is made", () => {
    let bf: FakeBotFramework;
    let h: Harness;
    let fileStore: Server;
    let requests = 0;
    before(async () => {
      fileStore = createServer((_req, res) => {
        requests += 1;
        res.end("UPN,Surname\n");
      });
      await new Promise<void>((resolve) => fileStore.listen(0, "127.0.0.1", () => resolve()));
      bf = new FakeBotFramework();
      await bf.start();
      h = await startHarness(azureModeEnvironment(bf), { adjust: embeddedStore });
    });
    after(async () => {
      await h.close();
      await bf.stop();
      await new Promise<void>((resolve) => fileStore.close(() => resolve()));
    });

    it("refuses every hostile address an officer's message names, fetching none", async () => {
      const local = `http://127.0.0.1:${(fileStore.address() as AddressInfo).port}`;
      const chat = personalConversationId(people.officer);
      const addresses = hostile(local);
      for (const downloadUrl of addresses) {
        const before = h.teams.sent.length;
        const message = {
          ...personalMessage(h.teams, people.officer, ""),
          attachments: [
            { contentType: fileDownloadInfo, name: "pupils.csv", content: { downloadUrl, fileType: "csv" } },
          ],
        };
        const response = await h.send(message, bf.token(botAppId, h.teams.url));
        expect(response.status, downloadUrl).to.equal(200);
        const said = JSON.stringify(
          h.teams.sent.slice(before).filter((each) => each.conversationId === chat),
        );
        expect(said, downloadUrl).to.match(
          /I only read files Teams keeps for you|couldn't read that file's details/,
        );
      }
      expect(requests, "requests the file store saw").to.equal(0);
      expect(addresses.length).to.be.greaterThan(35);
    });
  });
});
