import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small HTTP server playing Teams' Bot Connector service: it records what the bot sends
 * (replies, channel posts, card updates) and answers member look-ups from a roster. Paths
 * and payload shapes follow the Bot Connector REST API that Teams serves.
 */

export interface RosterMember {
  readonly id: string;
  readonly aadObjectId: string;
  readonly name: string;
  readonly userPrincipalName: string;
  readonly email?: string;
}

export interface SentActivity {
  readonly method: "POST" | "PUT";
  readonly conversationId: string;
  /** For replies, the activity replied to; for updates, the activity updated. */
  readonly activityId?: string;
  readonly id: string;
  readonly body: Record<string, unknown>;
}

/** A post Teams took whose answer is held back: answer it, or cut the connection instead. */
export interface HeldPost {
  /** Resolves with the post once Teams has taken (recorded) it. */
  readonly taken: Promise<SentActivity>;
  /** Answers it: 200 and its id, or another status (Teams failing after it posted). */
  answer(status?: number): void;
  /** The bot never hears that the post was made (a crash, or the connection failing). */
  drop(): void;
}

export class FakeTeams {
  readonly sent: SentActivity[] = [];
  /** Files uploaded to the stand-in for OneDrive (a file consent card's uploadUrl: PUT /upload/<name>). */
  readonly uploads: { name: string; body: string; contentRange: string | undefined }[] = [];
  readonly requests: { method: string; path: string }[] = [];
  private server: Server | undefined;
  private nextId = 1;
  /** Answer this many of the next activity posts or updates with this status (to play throttling or an outage). */
  failNext: { count: number; status: number; conversationId?: string } = { count: 0, status: 500 };
  /** Member-list requests: fail this many of the next with this status, or never answer this many. */
  memberLists: { fail: number; status: number; stall: number } = { fail: 0, status: 400, stall: 0 };
  private held:
    | {
        conversationId: string;
        replies: boolean;
        take: (post: SentActivity, res: ServerResponse) => void;
      }
    | undefined;

  constructor(
    readonly teams: Record<string, readonly RosterMember[]>,
    /** Everyone in the tenant, for member look-ups in personal chats. */
    readonly everyone: readonly RosterMember[] = [],
    /** Each team's Microsoft 365 group id (Graph's team id), for team look-ups. */
    readonly groupIds: Record<string, string> = {},
  ) {}

  /** Takes the next new post (or, with `replies`, the next reply) to the conversation but holds its answer back. */
  holdNextPost(conversationId: string, { replies = false } = {}): HeldPost {
    let answer = (_status: number) => {};
    let drop = () => {};
    const taken = new Promise<SentActivity>((resolve) => {
      this.held = {
        conversationId,
        replies,
        take: (post, res) => {
          answer = (status) => {
            res.writeHead(status, { "content-type": "application/json" });
            res.end(JSON.stringify(status === 200 ? { id: post.id } : { error: { code: "ServiceError" } }));
          };
          drop = () => res.socket?.destroy();
          resolve(post);
        },
      };
    });
    return { taken, answer: (status = 200) => answer(status), drop: () => drop() };
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}/`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", () => resolve()));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Channel posts (new top-level messages) to a conversation. */
  posts(conversationId: string): SentActivity[] {
    return this.sent.filter(
      (a) => a.method === "POST" && a.conversationId === conversationId && !a.activityId,
    );
  }

  updates(conversationId: string, activityId: string): SentActivity[] {
    return this.sent.filter(
      (a) => a.method === "PUT" && a.conversationId === conversationId && a.activityId === activityId,
    );
  }

  replies(conversationId: string): SentActivity[] {
    return this.sent.filter(
      (a) => a.method === "POST" && a.conversationId === conversationId && a.activityId,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const uploadPath = /^\/upload\/([^/?]+)/.exec(req.url ?? "");
    if (req.method === "PUT" && uploadPath) {
      this.uploads.push({
        name: decodeURIComponent(uploadPath[1] ?? ""),
        body: Buffer.concat(chunks).toString("utf8"),
        contentRange: req.headers["content-range"],
      });
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "drive-item-1", name: uploadPath[1] }));
      return;
    }
    const body = chunks.length
      ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>)
      : {};
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    this.requests.push({ method: req.method ?? "", path });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };

    let match = /^\/v3\/conversations\/([^/]+)\/pagedmembers$/.exec(path);
    if (req.method === "GET" && match) {
      if (this.memberLists.stall > 0) {
        this.memberLists.stall -= 1;
        return; // never answered: the socket is closed when the server stops
      }
      if (this.memberLists.fail > 0) {
        this.memberLists.fail -= 1;
        return send(this.memberLists.status, { error: { code: "BadRequest", message: "refused" } });
      }
      const members = this.teams[match[1] ?? ""];
      return members
        ? send(200, { members })
        : send(404, { error: { code: "NotFound", message: "team not found" } });
    }
    match = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(path);
    if (req.method === "GET" && match) {
      const conversation = match[1] ?? "";
      const candidates = this.teams[conversation] ?? this.everyone;
      const member = candidates.find((m) => m.id === match?.[2] || m.aadObjectId === match?.[2]);
      return member
        ? send(200, member)
        : send(404, { error: { code: "MemberNotFoundInConversation", message: "not found" } });
    }
    match = /^\/v3\/teams\/([^/]+)$/.exec(path);
    if (req.method === "GET" && match) {
      const groupId = this.groupIds[match[1] ?? ""];
      return groupId
        ? send(200, { id: match[1], name: "CME Team", aadGroupId: groupId })
        : send(404, { error: { code: "NotFound", message: "team not found" } });
    }
    match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (match && (req.method === "POST" || req.method === "PUT")) {
      const failing = !this.failNext.conversationId || this.failNext.conversationId === match[1];
      if (this.failNext.count > 0 && failing) {
        this.failNext.count -= 1;
        return send(this.failNext.status, { error: { code: "Throttled", message: "try later" } });
      }
      const id = req.method === "PUT" ? (match[2] ?? "") : `msg-${this.nextId++}`;
      const activity: SentActivity = {
        method: req.method,
        conversationId: match[1] ?? "",
        ...(match[2] ? { activityId: match[2] } : {}),
        id,
        body,
      };
      this.sent.push(activity);
      const held = this.held;
      const heldKind = held && (held.replies ? Boolean(match[2]) : !match[2]);
      if (held && heldKind && req.method === "POST" && held.conversationId === activity.conversationId) {
        this.held = undefined;
        return held.take(activity, res);
      }
      return send(200, { id });
    }
    send(404, { error: { code: "NotFound", message: `${req.method} ${path} is not played by FakeTeams` } });
  }
}
