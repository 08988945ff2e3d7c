import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SentActivity } from "./fake-teams.js";

/** A post the bot made, as Graph lists it among a channel's messages (cards' content as JSON text). */
export function chatMessageOf(post: SentActivity, appId: string): Record<string, unknown> {
  const attachments = (post.body.attachments ?? []) as { contentType: string; content: unknown }[];
  return {
    id: post.id,
    messageType: "message",
    createdDateTime: new Date().toISOString(),
    from: { application: { id: appId, displayName: "CME Referrals" }, user: null },
    attachments: attachments.map((attachment, n) => ({
      id: String(n),
      contentType: attachment.contentType,
      content: JSON.stringify(attachment.content),
    })),
  };
}

/** Whose token a request carried: the app (client id) and the tenant it was asked of. */
export interface TokenHolder {
  readonly tenant: string;
  readonly clientId: string;
}

/**
 * A local stand-in for Microsoft Graph and its token endpoint: client-credentials tokens per
 * tenant and app, GET /v1.0/users/{id} from a directory of Graph-shaped users, and
 * GET /v1.0/teams/{group}/channels/{channel}/messages from each channel's messages.
 */
export class FakeGraph {
  private server: Server | undefined;
  /** Every request, with whose token it carried (none for a token unknown here). */
  readonly requests: { method: string; path: string; authorization?: string; token?: TokenHolder }[] = [];
  /** Each token asked for: the tenant in the token endpoint's path, the app and the scope. */
  readonly tokenRequests: (TokenHolder & { scope: string })[] = [];
  private readonly issued = new Map<string, TokenHolder>();
  /** Answer user look-ups with this status instead (to play Graph failing). */
  failWith: number | undefined;
  /**
   * The app the team's owner let read its channels (resource-specific consent goes to the app in
   * the manifest's webApplicationInfo): any other app's token is answered 403. Undefined: any app.
   */
  channelReader: string | undefined;

  /** Each channel's messages, newest first, by `${teamGroupId}|${channelId}`. */
  readonly channelMessages: Record<string, Record<string, unknown>[]> = {};

  constructor(readonly users: Record<string, Record<string, unknown>>) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  /** The bot's settings to reach Graph (and its token endpoint) here, as an app with a secret. */
  get environment() {
    return { GRAPH_CLIENT_ID: "graph-client", GRAPH_CLIENT_SECRET: "graph-secret", ...this.addresses };
  }

  /** Only where Graph and its token endpoint are (Azure mode: the bot's own credentials). */
  get addresses() {
    return { GRAPH_BASE_URL: this.url, GRAPH_AUTHORITY_HOST: this.url };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => this.answer(req, res, body));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", () => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const holder = bearer ? this.issued.get(bearer) : undefined;
    this.requests.push({
      method: req.method ?? "",
      path,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(holder ? { token: holder } : {}),
    });
    const send = (status: number, answer: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    };
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (req.method === "POST" && token) {
      const form = new URLSearchParams(body);
      const asked = { tenant: decodeURIComponent(token[1] ?? ""), clientId: form.get("client_id") ?? "" };
      this.tokenRequests.push({ ...asked, scope: form.get("scope") ?? "" });
      const accessToken = `token-for-${asked.tenant}-${asked.clientId}`;
      this.issued.set(accessToken, asked);
      return send(200, { access_token: accessToken, expires_in: 3600, token_type: "Bearer" });
    }
    const user = /^\/v1\.0\/users\/([^/]+)$/.exec(path);
    if (req.method === "GET" && user) {
      if (this.failWith)
        return send(this.failWith, { error: { code: "serviceNotAvailable", message: "try later" } });
      if (!holder) return send(401, { error: { code: "InvalidAuthenticationToken" } });
      const found = this.users[decodeURIComponent(user[1] ?? "")];
      return found ? send(200, found) : send(404, { error: { code: "Request_ResourceNotFound" } });
    }
    const messages = /^\/v1\.0\/teams\/([^/]+)\/channels\/([^/]+)\/messages$/.exec(path);
    if (req.method === "GET" && messages) {
      if (!holder) return send(401, { error: { code: "InvalidAuthenticationToken" } });
      if (this.channelReader !== undefined && holder.clientId !== this.channelReader)
        return send(403, {
          error: { code: "Forbidden", message: "Missing role permissions on the request" },
        });
      const key = `${decodeURIComponent(messages[1] ?? "")}|${decodeURIComponent(messages[2] ?? "")}`;
      const found = this.channelMessages[key];
      return found ? send(200, { value: found }) : send(404, { error: { code: "NotFound" } });
    }
    send(404, { error: { code: "NotFound" } });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
