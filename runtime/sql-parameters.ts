import type { ColumnManifest } from "./schema-manifest.js";

/**
 * Where a parameter's value comes from in the call that compiled it, so
 * that a statement cached for one call can bind the next call's values
 * without compiling again.
 */
export type ParameterSource =
  /** The value of `where[index]`, encoded for `column`. */
  | {
      readonly from: "where";
      readonly index: number;
      readonly column: ColumnManifest;
    }
  /** The value of a data key (an insert or `SET` value), encoded. */
  | {
      readonly from: "data";
      /** The model key, which a refused value's error names. */
      readonly model: string;
      readonly key: string;
      readonly column: ColumnManifest;
    }
  /** The delta of an `incrementOne` key. */
  | { readonly from: "increment"; readonly key: string }
  | { readonly from: "limit" }
  | { readonly from: "offset" }
  /** A value fixed by the call's shape (a join's row limit). */
  | { readonly from: "constant"; readonly value: unknown };

/**
 * The parameter list of one statement under construction. Values only ever
 * reach SQL through here, as `$n` placeholders.
 */
export class SqlParameters {
  readonly values: unknown[] = [];
  /** Each value's source, or null where the compiler gave none. */
  readonly sources: (ParameterSource | null)[] = [];

  /** Appends a value and returns its placeholder, e.g. `$3`. */
  add(value: unknown, source: ParameterSource | null = null): string {
    this.values.push(value);
    this.sources.push(source);
    return `$${this.values.length}`;
  }
}
