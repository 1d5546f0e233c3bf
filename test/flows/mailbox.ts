/** What Better Auth would have sent by email, captured for the tests. */
export interface SentMessage {
  readonly kind:
    | "reset-password"
    | "verify-email"
    | "invitation"
    | "magic-link"
    | "email-otp";
  readonly to: string;
  /** The token, OTP or invitation id the message carries. */
  readonly secret: string;
  readonly url: string | null;
}

/** Collects the messages of every test email sender. */
export class Mailbox {
  readonly #messages: SentMessage[] = [];

  deliver(message: SentMessage): void {
    this.#messages.push(message);
  }

  /**
   * The latest message of `kind` sent to `to`.
   *
   * @throws {Error} when none was sent, naming the kind and recipient.
   */
  latest(kind: SentMessage["kind"], to: string): SentMessage {
    const found = this.#messages.findLast(
      (message) => message.kind === kind && message.to === to,
    );
    if (found === undefined) {
      throw new Error(`No ${kind} message was sent to ${to}.`);
    }
    return found;
  }
}
