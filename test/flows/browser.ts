import type { StatementLog } from "../support/counting-pool.js";
import { BASE_URL, type FlowApp } from "./flow-app.js";

/** One answer from Better Auth, with the statements it cost. */
export interface FlowResponse {
  readonly status: number;
  /** The parsed JSON body: each endpoint answers with its own shape. */
  readonly body: any;
  readonly headers: Headers;
  /** The SQL of every statement sent while handling the request. */
  readonly statements: string[];
}

/**
 * A user agent talking to `auth.handler` over HTTP requests: it keeps the
 * cookies Better Auth sets, sends them back, and comes from its own IP
 * address (so each test has its own rate-limit keys).
 */
export class Browser {
  readonly #app: FlowApp;
  readonly #statements: StatementLog;
  readonly #ip: string;
  readonly #cookies = new Map<string, string>();

  constructor(app: FlowApp, statements: StatementLog, ip: string) {
    this.#app = app;
    this.#statements = statements;
    this.#ip = ip;
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.send("GET", path, undefined, headers);
  }

  post(path: string, body: unknown = {}, headers: Record<string, string> = {}) {
    return this.send("POST", path, body, headers);
  }

  /** The value of the cookie whose name ends with `suffix`, if set. */
  cookie(suffix: string): string | undefined {
    for (const [name, value] of this.#cookies) {
      if (name.endsWith(suffix)) return value;
    }
    return undefined;
  }

  /** Forgets every cookie, as a new device would have none. */
  clearCookies(): void {
    this.#cookies.clear();
  }

  async send(
    method: "GET" | "POST",
    path: string,
    body: unknown,
    extraHeaders: Record<string, string>,
  ): Promise<FlowResponse> {
    const headers = new Headers({
      origin: BASE_URL,
      "x-forwarded-for": this.#ip,
      ...extraHeaders,
    });
    if (this.#cookies.size > 0) headers.set("cookie", this.#cookieHeader());
    if (body !== undefined) headers.set("content-type", "application/json");

    this.#statements.take();
    const response = await this.#app.handle(
      new Request(`${BASE_URL}/api/auth${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const statements = this.#statements.take();

    this.#keepCookies(response.headers);
    return {
      status: response.status,
      body: await readBody(response),
      headers: response.headers,
      statements,
    };
  }

  #cookieHeader(): string {
    return [...this.#cookies]
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
  }

  #keepCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const separator = pair!.indexOf("=");
      const name = pair!.slice(0, separator).trim();
      const value = pair!.slice(separator + 1).trim();
      const expired = attributes.some((attribute) =>
        /^\s*max-age=0\s*$/i.test(attribute),
      );
      if (expired || value === "") this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
