/**
 * The parameter list of one statement under construction. Values only ever
 * reach SQL through here, as `$n` placeholders.
 */
export class SqlParameters {
  readonly values: unknown[] = [];

  /** Appends a value and returns its placeholder, e.g. `$3`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
