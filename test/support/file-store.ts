import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { eventually, personalConversationId, type Harness, type Who } from "./harness.js";

/*
 * Teams' file store for a file sent to the bot in personal chat (here a local HTTP server, as in
 * local mode), the message that describes such a file, and the bot's answer to it.
 */

/** The file store: serves each path's text, counting every request, on two loopback addresses. */
export class FileStore {
  readonly requests: string[] = [];
  /** Requests whose answer the client stopped reading before it ended. */
  abandoned = 0;
  private readonly files = new Map<string, { body: string | Buffer; tellLength: boolean }>();
  private readonly servers: Server[] = [];
  private readonly ports = new Map<string, number>();

  serve(path: string, body: string | Buffer, tellLength = true): void {
    this.files.set(path, { body, tellLength });
  }

  async start(): Promise<void> {
    for (const host of ["127.0.0.1", "127.0.0.2"]) {
      const server = createServer((req, res) => this.handle(req, res));
      await new Promise<void>((resolve) => server.listen(0, host, resolve));
      this.servers.push(server);
      this.ports.set(host, (server.address() as AddressInfo).port);
    }
  }

  url(path: string, host = "127.0.0.1"): string {
    return `http://${host}:${this.ports.get(host)}${path}`;
  }

  async stop(): Promise<void> {
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? "";
    this.requests.push(path);
    if (path === "/endless.csv") {
      // A file with no end: only a download that stops at the limit ever finishes.
      res.writeHead(200, { "content-type": "text/csv" });
      const line = "X000000000000,Alex,Testington,01/01/2015,M,1 Test Street,LE1 1AA,,N,,\r\n";
      const more = () => {
        while (!res.destroyed && res.write(line.repeat(100)));
        if (!res.destroyed) res.once("drain", more);
      };
      res.on("close", () => (this.abandoned += 1));
      res.write(
        "UPN,Legal Forename,Legal Surname,DOB,Gender,Address,Postcode,Current Establishment,On Roll,Date Left,Destination\r\n",
      );
      more();
      return;
    }
    if (path === "/slow.csv" || path === "/cut.csv") {
      const body = Buffer.from(this.files.get("/extract.csv")?.body ?? "");
      // Slow: the whole file, a part at a time over 3.5 s. Cut: half, then the connection closes
      // though the length said more.
      res.writeHead(200, { "content-type": "text/csv", "content-length": body.length });
      const parts = 7;
      const size = Math.ceil(body.length / parts);
      let sent = 0;
      const more = () => {
        if (res.destroyed) return;
        if (path === "/cut.csv" && sent >= body.length / 2) return void res.destroy();
        res.write(body.subarray(sent, sent + size));
        sent += size;
        if (sent < body.length) setTimeout(more, 500);
        else res.end();
      };
      more();
      return;
    }
    const file = this.files.get(path);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-type": "text/csv",
      ...(file.tellLength ? { "content-length": Buffer.byteLength(file.body) } : {}),
    });
    res.end(file.body);
  }
}

/** A message with Teams' description of a file the person attached. */
export function fileMessage(
  h: Harness,
  who: Who,
  downloadUrl: string,
  name = "extract.csv",
  fileType = "csv",
) {
  return {
    id: `file-${Math.random()}`,
    type: "message",
    channelId: "msteams",
    serviceUrl: h.teams.url,
    from: { id: who.id, name: who.name, aadObjectId: who.aadObjectId },
    recipient: { id: "28:cme-bot", name: "CME Referrals" },
    conversation: {
      id: personalConversationId(who),
      conversationType: "personal",
      tenantId: "tenant-leicestershire",
    },
    channelData: { tenant: { id: "tenant-leicestershire" } },
    locale: "en-GB",
    text: "",
    attachments: [
      {
        contentType: "application/vnd.microsoft.teams.file.download.info",
        contentUrl: downloadUrl,
        name,
        content: { downloadUrl, uniqueId: "1f0e2d3c-0000-4000-8000-000000000001", fileType },
      },
    ],
  };
}

/**
 * What the bot answered the person's last message with: a refusal in the turn, or, once the file
 * is read after the turn, the lists (or why not) it posts to the chat.
 */
export function lastAnswer(h: Harness, who: Who) {
  return eventually(() => {
    const answer = h.teams.replies(personalConversationId(who)).at(-1);
    if (!answer) throw new Error("no answer");
    if ((answer.body.text as string | undefined)?.startsWith("Reading ")) throw new Error("still reading");
    return answer;
  }, 15_000);
}
