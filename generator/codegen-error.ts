/**
 * An error in the user's input that the generator cannot honour. The message
 * is a whole sentence naming the model, field or option; `optionPath` points
 * into the config (for example `auth.user.fields.email`) when one applies.
 */
export class CodegenError extends Error {
  readonly optionPath: string | null;

  constructor(message: string, optionPath: string | null = null) {
    super(message);
    this.name = "CodegenError";
    this.optionPath = optionPath;
  }
}
