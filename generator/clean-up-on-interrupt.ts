import { constants } from "node:os";

type Cleanup = () => Promise<unknown>;

const pending = new Set<Cleanup>();
let cleaning = false;
let interrupted = false;

/**
 * True once a signal ran the cleanups: work failing after that failed
 * because its resources were taken away, not because of a bug.
 */
export function wasInterrupted(): boolean {
  return interrupted;
}

/**
 * Registers work that must not be skipped when the process is interrupted
 * (SIGINT, SIGTERM): the throwaway database `generate --database-url`
 * creates would otherwise stay on the server. Returns the function that
 * unregisters it, to call once the work is undone the normal way.
 *
 * While anything is registered, a signal runs every cleanup. When no one
 * else listens for the signal, the process then exits with 128 + its
 * number (130, 143), as a shell reports a process the signal ended; a
 * host with handlers of its own (a server, a test runner) keeps deciding
 * when to exit. A second signal during the cleanup exits at once.
 */
export function cleanUpOnInterrupt(cleanup: Cleanup): () => void {
  pending.add(cleanup);
  if (pending.size === 1) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }

  return () => {
    if (!pending.delete(cleanup) || pending.size > 0) return;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}

function onSignal(signal: NodeJS.Signals): void {
  const alone = process.listenerCount(signal) === 1;
  const code =
    128 + constants.signals[signal as keyof typeof constants.signals];
  if (cleaning) {
    if (alone) process.exit(code);
    return;
  }

  cleaning = true;
  interrupted = true;
  if (alone) {
    // The interrupted work fails as its resources go (DROP DATABASE ...
    // WITH (FORCE) ends pgtyped's connection, which has no error
    // listener); the process exits once the cleanups finish, so those
    // failures must not end it first with a stack trace and exit code 1.
    process.on("uncaughtException", ignore);
    process.on("unhandledRejection", ignore);
  }
  void Promise.allSettled([...pending].map((cleanup) => cleanup())).then(() => {
    cleaning = false;
    if (alone) process.exit(code);
  });
}

function ignore(): void {}
