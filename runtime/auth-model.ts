import type { DBFieldAttribute } from "@better-auth/core/db";
import type { CleanedWhere, Where } from "@better-auth/core/db/adapter";
import { BetterAuthError } from "@better-auth/core/error";

import {
  encodeField,
  isPromiseLike,
  skipsUndefined,
  toNumbers,
} from "./auth-field-values.js";
import type { IdFieldPolicy } from "./id-field-policy.js";

type Row = Record<string, unknown>;

/** One field of a model, named both ways. */
export interface AuthField {
  /** Better Auth's field key, e.g. `emailVerified`. */
  readonly key: string;
  /** The column it is stored in (`fieldName`, or the key). */
  readonly column: string;
  readonly type: DBFieldAttribute["type"];
  readonly isId: boolean;
  /** Holds another model's id: a string for Better Auth, a number in SQL with serial ids. */
  readonly referencesId: boolean;
  /** Better Auth's attributes; null for the id, which the factory synthesises. */
  readonly attributes: DBFieldAttribute | null;
}

interface OutputField {
  readonly key: string;
  readonly column: string;
  readonly stringify: boolean;
  readonly transform: ((value: unknown) => unknown) | null;
}

/**
 * One Better Auth model with the transforms `createAdapterFactory` applies
 * on every call worked out once: which key maps to which column, which
 * fields take defaults, `onUpdate` values or `transform` functions, how
 * the id is generated, and how a row is shaped back. The factory does the
 * same work per call through generic lookups over the whole schema; the
 * behaviour here must stay identical to it (Better Auth 1.7, for an
 * adapter that supports JSON, dates, booleans, arrays, uuids and numeric
 * ids).
 */
export class AuthModel {
  /** The model key in Better Auth's schema, e.g. `user`. */
  readonly key: string;
  /** What the factory calls the model in adapters and spans (`users` with usePlural). */
  readonly name: string;
  readonly #idPolicy: IdFieldPolicy;
  readonly #byName = new Map<string, AuthField>();
  /** Every field but the id, in schema order. */
  readonly #input: readonly AuthField[];
  readonly #output: readonly OutputField[];

  constructor(
    key: string,
    name: string,
    fields: Readonly<Record<string, DBFieldAttribute>>,
    idPolicy: IdFieldPolicy,
  ) {
    this.key = key;
    this.name = name;
    this.#idPolicy = idPolicy;

    const id: AuthField = {
      key: "id",
      column: "id",
      type: idPolicy.numeric ? "number" : "string",
      isId: true,
      referencesId: false,
      attributes: null,
    };
    const input: AuthField[] = [];
    for (const [fieldKey, attributes] of Object.entries(fields)) {
      if (fieldKey === "id") continue;
      input.push({
        key: fieldKey,
        column: attributes.fieldName || fieldKey,
        type: attributes.type,
        isId: false,
        referencesId: attributes.references?.field === "id",
        attributes,
      });
    }
    this.#input = input;

    // Keys win over column names, and the first field wins a shared
    // column name, as the factory's lookups do.
    this.#byName.set("id", id).set("_id", id);
    for (const field of input) this.#byName.set(field.key, field);
    for (const field of input) {
      if (!this.#byName.has(field.column)) {
        this.#byName.set(field.column, field);
      }
    }

    // The factory appends `id` to the schema's fields the first time it
    // touches a model, so rows come back with the id last.
    const outputFields = Object.hasOwn(fields, "id")
      ? Object.keys(fields).map((fieldKey) =>
          fieldKey === "id" ? id : this.#byName.get(fieldKey)!,
        )
      : [...input, id];
    this.#output = outputFields.map((field) => ({
      key: field.key,
      column: field.column,
      stringify: field.isId || field.referencesId,
      transform:
        (field.attributes?.transform?.output as OutputField["transform"]) ??
        null,
    }));
  }

  /**
   * The field a key or column name denotes (`id` and `_id` both mean the
   * id).
   *
   * @throws {BetterAuthError} with the factory's message when the model
   * has no such field.
   */
  field(name: string): AuthField {
    const field = this.#byName.get(name);
    if (field === undefined) {
      throw new BetterAuthError(`Field ${name} not found in model ${this.key}`);
    }
    return field;
  }

  /**
   * Maps Better Auth's where-clauses to columns, fills in the default
   * operator, connector and mode, and coerces values as the factory does:
   * ids (and references to them) to numbers with serial ids, `"true"` to a
   * boolean on boolean fields, numeric strings to numbers on number fields.
   *
   * @throws {BetterAuthError} for an unknown field, or `in` without an
   * array.
   */
  cleanWhere(where: readonly Where[] | undefined): CleanedWhere[] | undefined {
    if (!where) return undefined;
    const cleaned: CleanedWhere[] = new Array(where.length);
    for (let index = 0; index < where.length; index += 1) {
      cleaned[index] = this.#cleanClause(where[index]!);
    }
    return cleaned;
  }

  #cleanClause(clause: Where): CleanedWhere {
    const operator = clause.operator ?? "eq";
    const { value } = clause;
    if (operator === "in" && !Array.isArray(value)) {
      throw new BetterAuthError("Value must be an array");
    }
    const field = this.field(clause.field);

    let cleaned: unknown = value;
    if ((field.isId || field.referencesId) && this.#idPolicy.numeric) {
      cleaned = Array.isArray(value) ? value.map(Number) : Number(value);
    }
    if (field.type === "boolean" && typeof cleaned === "string") {
      cleaned = cleaned === "true";
    }
    if (field.type === "number") cleaned = toNumbers(cleaned);

    return {
      operator,
      connector: clause.connector ?? "AND",
      field: field.column,
      value: cleaned as CleanedWhere["value"],
      mode: clause.mode ?? "sensitive",
    };
  }

  /**
   * Better Auth's data (by field key) as column values for an insert or
   * update: unknown keys dropped, defaults applied on create, `onUpdate`
   * values on update, dates parsed from strings, `transform.input` run, the
   * id generated or filtered. Columns left undefined are omitted.
   */
  encode(
    data: Readonly<Row>,
    action: "create" | "update",
    forceAllowId = false,
  ): Row | Promise<Row> {
    const row: Row = {};
    const fields = this.#input;
    for (let index = 0; index < fields.length; index += 1) {
      const field = fields[index]!;
      const value = data[field.key];
      if (value === undefined && skipsUndefined(field, action)) continue;
      const encoded = encodeField(field, value, action);
      // The factory awaits every transform; only a promise needs waiting
      // for, and most transforms (username's lowercasing) return none.
      if (isPromiseLike(encoded)) {
        return this.#encodeRest(
          row,
          data,
          action,
          forceAllowId,
          index,
          encoded,
        );
      }
      this.#assign(row, field, encoded);
    }
    this.#encodeId(row, data, action, forceAllowId);
    return row;
  }

  /** `encode` from the field whose transform returned a promise on. */
  async #encodeRest(
    row: Row,
    data: Readonly<Row>,
    action: "create" | "update",
    forceAllowId: boolean,
    start: number,
    pending: PromiseLike<unknown>,
  ): Promise<Row> {
    const fields = this.#input;
    this.#assign(row, fields[start]!, await pending);
    for (let index = start + 1; index < fields.length; index += 1) {
      const field = fields[index]!;
      const value = data[field.key];
      if (value === undefined && skipsUndefined(field, action)) continue;
      this.#assign(row, field, await encodeField(field, value, action));
    }
    this.#encodeId(row, data, action, forceAllowId);
    return row;
  }

  #assign(row: Row, field: AuthField, value: unknown): void {
    const encoded = this.#numericReference(field, value);
    if (encoded !== undefined) row[field.column] = encoded;
  }

  /** With serial ids a reference is sent as a number (null stays null). */
  #numericReference(field: AuthField, value: unknown): unknown {
    if (!field.referencesId || !this.#idPolicy.numeric) return value;
    if (Array.isArray(value)) {
      return value.map((item) => (item !== null ? Number(item) : null));
    }
    return value !== null ? Number(value) : null;
  }

  #encodeId(
    row: Row,
    data: Readonly<Row>,
    action: "create" | "update",
    forceAllowId: boolean,
  ): void {
    const value = data.id;
    // The id has no onUpdate, so an update without one leaves it alone.
    if (value === undefined && action === "update") return;
    const forced = forceAllowId && "id" in data;
    const id = this.#idPolicy.encode(value, action, forced, this.key);
    if (id !== undefined) row.id = id;
  }

  /**
   * A row keyed by column names as Better Auth expects it back: keyed by
   * field, every field present (undefined when not read), ids and
   * references to them as strings, `transform.output` applied. With
   * `select`, only the selected keys. Null for no row.
   */
  decode(
    row: Row | null | undefined,
    select?: readonly string[],
  ): Row | null | Promise<Row | null> {
    if (!row) return null;
    const selective = select !== undefined && select.length > 0;
    const output: Row = {};
    const fields = this.#output;
    for (let index = 0; index < fields.length; index += 1) {
      const field = fields[index]!;
      if (selective && !select.includes(field.key)) continue;
      const value =
        field.transform === null
          ? row[field.column]
          : field.transform(row[field.column]);
      if (isPromiseLike(value)) {
        return this.#decodeRest(row, select, output, index, value);
      }
      output[field.key] = outputValue(field, value);
    }
    return output;
  }

  /** `decode` from the field whose transform returned a promise on. */
  async #decodeRest(
    row: Row,
    select: readonly string[] | undefined,
    output: Row,
    start: number,
    pending: PromiseLike<unknown>,
  ): Promise<Row> {
    const fields = this.#output;
    output[fields[start]!.key] = outputValue(fields[start]!, await pending);
    const selective = select !== undefined && select.length > 0;
    for (let index = start + 1; index < fields.length; index += 1) {
      const field = fields[index]!;
      if (selective && !select.includes(field.key)) continue;
      let value = row[field.column];
      if (field.transform !== null) value = await field.transform(value);
      output[field.key] = outputValue(field, value);
    }
    return output;
  }
}

/** Ids and references to them reach Better Auth as strings. */
function outputValue(field: OutputField, value: unknown): unknown {
  return field.stringify && value !== undefined && value !== null
    ? String(value)
    : value;
}
