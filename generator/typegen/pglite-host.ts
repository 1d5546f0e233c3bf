import { Worker } from "node:worker_threads";

/** What the PGlite thread (`pglite-worker.js`) sends back. */
type WorkerMessage =
  | { readonly type: "opened"; readonly port: number }
  | { readonly type: "rejected"; readonly message: string }
  | { readonly type: "failed"; readonly message: string }
  | { readonly type: "closed" };

/** PGlite running on a thread of its own, served on a socket. */
export interface PgliteHost {
  /**
   * Applies the DDL once PGlite has booted and resolves to the port of its
   * socket server on 127.0.0.1.
   *
   * @throws {PgliteDdlError} when PGlite rejects the DDL; any other Error
   * when PGlite cannot boot or serve.
   */
  open(ddl: string): Promise<number>;
  /** Stops the server and PGlite, and waits for the thread to end. */
  close(): Promise<void>;
  /** Ends the thread at once, mid-boot included. */
  terminate(): Promise<void>;
}

/** PGlite refused the schema's DDL; the message is PGlite's. */
export class PgliteDdlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PgliteDdlError";
  }
}

/**
 * Starts a thread that boots an in-memory PGlite right away, so the boot
 * runs beside whatever the caller does next. The thread gets no command
 * line options of its own: under tsx it would otherwise start a
 * TypeScript loader it does not need, which costs more than half a second.
 */
export function startPgliteHost(): PgliteHost {
  const worker = new Worker(new URL("./pglite-worker.js", import.meta.url), {
    execArgv: [],
  });
  const inbox = new Inbox(worker);
  const ended = new Promise<void>((resolve) => worker.once("exit", resolve));

  return {
    open: async (ddl) => {
      worker.postMessage({ type: "open", ddl });
      const answer = await inbox.next("opened", "rejected");
      if (answer.type === "rejected") throw new PgliteDdlError(answer.message);
      return answer.port;
    },
    close: async () => {
      worker.postMessage({ type: "close" });
      await inbox.next("closed").catch(() => {});
      await ended;
    },
    terminate: async () => {
      await worker.terminate();
    },
  };
}

type Expected<Types extends WorkerMessage["type"]> = Extract<
  WorkerMessage,
  { type: Types }
>;

/**
 * The thread's messages in arrival order. A `failed` message, an uncaught
 * error in the thread or its end fails every wait from then on.
 */
class Inbox {
  readonly #received: WorkerMessage[] = [];
  #failure: Error | null = null;
  readonly #waiting = new Set<() => void>();

  constructor(worker: Worker) {
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "failed") {
        this.#fail(new Error(`PGlite failed: ${message.message}`));
      } else {
        this.#received.push(message);
        this.#wakeAll();
      }
    });
    worker.on("error", (error) => this.#fail(error));
    worker.on("exit", () =>
      this.#fail(new Error("PGlite's thread ended before answering.")),
    );
  }

  async next<Types extends WorkerMessage["type"]>(
    ...types: Types[]
  ): Promise<Expected<Types>> {
    for (;;) {
      const index = this.#received.findIndex((message) =>
        (types as string[]).includes(message.type),
      );
      if (index !== -1) {
        return this.#received.splice(index, 1)[0] as Expected<Types>;
      }
      if (this.#failure !== null) throw this.#failure;
      await new Promise<void>((resolve) => this.#waiting.add(resolve));
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wakeAll();
  }

  #wakeAll(): void {
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    waiting.forEach((wake) => wake());
  }
}
