import { createServer, type Server } from "node:http";
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

/**
 * A local stand-in for Microsoft Graph and its token endpoint: client-credentials tokens per
 * tenant, GET /v1.0/users/{id} from a directory of Graph-shaped users, and
 * GET /v1.0/teams/{group}/channels/{channel}/messages from each channel's messages.
 */
export class FakeGraph {
  private server: Server | undefined;
  readonly requests: { method: string; path: string; authorization?: string }[] = [];
  /** Answer user look-ups with this status instead (to play Graph failing). */
  failWith: number | undefined;

  /** Each channel's messages, newest first, by `${teamGroupId}|${channelId}`. */
  readonly channelMessages: Record<string, Record<string, unknown>[]> = {};

  constructor(readonly users: Record<string, Record<string, unknown>>) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  /** The bot's settings to reach Graph (and its token endpoint) here, as an app with a secret. */
  get environment() {
    return {
      GRAPH_CLIENT_ID: "graph-client",
      GRAPH_CLIENT_SECRET: "graph-secret",
      GRAPH_BASE_URL: this.url,
      GRAPH_AUTHORITY_HOST: this.url,
    };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      this.requests.push({
        method: req.method ?? "",
        path,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
      if (req.method === "POST" && token)
        return send(200, { access_token: `token-for-${token[1]}`, expires_in: 3600, token_type: "Bearer" });
      const user = /^\/v1\.0\/users\/([^/]+)$/.exec(path);
      if (req.method === "GET" && user) {
        if (this.failWith)
          return send(this.failWith, { error: { code: "serviceNotAvailable", message: "try later" } });
        if (!req.headers.authorization?.startsWith("Bearer token-for-"))
          return send(401, { error: { code: "InvalidAuthenticationToken" } });
        const found = this.users[decodeURIComponent(user[1] ?? "")];
        return found ? send(200, found) : send(404, { error: { code: "Request_ResourceNotFound" } });
      }
      const messages = /^\/v1\.0\/teams\/([^/]+)\/channels\/([^/]+)\/messages$/.exec(path);
      if (req.method === "GET" && messages) {
        if (!req.headers.authorization?.startsWith("Bearer token-for-"))
          return send(401, { error: { code: "InvalidAuthenticationToken" } });
        const key = `${decodeURIComponent(messages[1] ?? "")}|${decodeURIComponent(messages[2] ?? "")}`;
        const found = this.channelMessages[key];
        return found ? send(200, { value: found }) : send(404, { error: { code: "NotFound" } });
      }
      send(404, { error: { code: "NotFound" } });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", () => resolve()));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
