import type { BetterAuthOptions } from "@better-auth/core";
import type { BetterAuthDBSchema } from "@better-auth/core/db";
import type { JoinConfig, JoinOption } from "@better-auth/core/db/adapter";
import { BetterAuthError } from "@better-auth/core/error";

import { AuthModel } from "./auth-model.js";
import { IdFieldPolicy } from "./id-field-policy.js";

/** How one model joins another, resolved once per pair. */
interface JoinLink {
  /** The key the adapter finds the joined rows under (the model's name). */
  readonly name: string;
  readonly on: { readonly from: string; readonly to: string };
  readonly unique: boolean;
  /** The base field the join starts from, which a `select` must include. */
  readonly requiredField: string;
}

/** A join resolved for one call, and the `select` it may have extended. */
export interface ResolvedJoin {
  readonly join: JoinConfig;
  readonly select: string[] | undefined;
}

/**
 * Better Auth's schema for one options object, as the adapter factory
 * resolves it: model keys, model names and plural names all lead to the
 * same `AuthModel`, and joins between two models are worked out once.
 */
export class AuthSchema {
  readonly options: BetterAuthOptions;
  readonly usePlural: boolean;
  readonly #schema: BetterAuthDBSchema;
  readonly #models = new Map<string, AuthModel>();
  /** Every name a caller used for a model, resolved. */
  readonly #resolved = new Map<string, AuthModel>();
  readonly #links = new Map<AuthModel, Map<string, JoinLink>>();

  constructor(
    schema: BetterAuthDBSchema,
    options: BetterAuthOptions,
    usePlural: boolean,
  ) {
    this.options = options;
    this.usePlural = usePlural;
    this.#schema = schema;
    const idPolicy = new IdFieldPolicy(options);
    for (const [key, table] of Object.entries(schema)) {
      const name = usePlural ? `${table.modelName}s` : table.modelName;
      this.#models.set(key, new AuthModel(key, name, table.fields, idPolicy));
    }
  }

  /**
   * The model a key, model name or (with usePlural) plural name denotes.
   *
   * @throws {BetterAuthError} with the factory's message for an unknown
   * model.
   */
  model(name: string): AuthModel {
    const resolved = this.#resolved.get(name);
    if (resolved !== undefined) return resolved;

    const key = this.#defaultModelName(name);
    const model = this.#models.get(key)!;
    this.#resolved.set(name, model);
    return model;
  }

  #defaultModelName(model: string): string {
    const resolve = (candidate: string): string | undefined => {
      if (Object.hasOwn(this.#schema, candidate)) return candidate;
      return Object.entries(this.#schema).find(
        ([, table]) => table.modelName === candidate,
      )?.[0];
    };
    if (this.usePlural && model.endsWith("s")) {
      const singular = resolve(model.slice(0, -1));
      if (singular !== undefined) return singular;
    }
    const key = resolve(model);
    if (key === undefined) {
      throw new BetterAuthError(`Model "${model}" not found in schema`);
    }
    return key;
  }

  /**
   * Turns a call's `join` option into the adapter's `JoinConfig`, as the
   * factory's join transform does: each related model is found through the
   * one foreign key between the two (either direction), a unique target
   * makes it one-to-one, and the field the join starts from is added to
   * `select` (the caller's array, which the factory extends in place).
   * Undefined for no join.
   *
   * @throws {BetterAuthError} for an unknown model, or when the two models
   * are linked by no foreign key or by more than one.
   */
  resolveJoin(
    base: AuthModel,
    option: JoinOption | undefined,
    select: string[] | undefined,
  ): ResolvedJoin | undefined {
    if (!option) return undefined;
    const entries = Object.entries(option);
    if (entries.length === 0) return undefined;

    const join: JoinConfig = {};
    for (const [model, request] of entries) {
      if (!request) continue;
      const link = this.#link(base, model);
      if (select && !select.includes(link.requiredField)) {
        select.push(link.requiredField);
      }
      const limit = link.unique
        ? 1
        : typeof request === "object" && typeof request.limit === "number"
          ? request.limit
          : (this.options.advanced?.database?.defaultFindManyLimit ?? 100);
      join[link.name] = {
        modelKey: model,
        on: link.on,
        limit,
        relation: link.unique ? "one-to-one" : "one-to-many",
      };
    }
    return { join, select };
  }

  #link(base: AuthModel, model: string): JoinLink {
    let links = this.#links.get(base);
    if (links === undefined) {
      links = new Map();
      this.#links.set(base, links);
    }
    let link = links.get(model);
    if (link === undefined) {
      link = this.#planLink(base, model);
      links.set(model, link);
    }
    return link;
  }

  #planLink(base: AuthModel, model: string): JoinLink {
    const joined = this.model(model);
    const referencing = (from: AuthModel, to: AuthModel) =>
      Object.entries(this.#schema[from.key]!.fields).filter(
        ([, attributes]) =>
          attributes.references &&
          this.model(attributes.references.model) === to,
      );

    let foreignKeys = referencing(joined, base);
    const forward = foreignKeys.length > 0;
    if (!forward) foreignKeys = referencing(base, joined);
    if (foreignKeys.length === 0) {
      throw new BetterAuthError(
        `No foreign key found for model ${model} and base model ${base.key} while performing join operation.`,
      );
    }
    if (foreignKeys.length > 1) {
      throw new BetterAuthError(
        `Multiple foreign keys found for model ${model} and base model ${base.key} while performing join operation. Only one foreign key is supported.`,
      );
    }

    const [foreignKey, attributes] = foreignKeys[0]!;
    const referenced = attributes.references!.field;
    const requiredField = forward ? referenced : foreignKey;
    const on = Object.freeze({
      from: base.field(requiredField).column,
      to: joined.field(forward ? foreignKey : referenced).column,
    });
    return {
      name: joined.name,
      on,
      unique: on.to === "id" ? true : (attributes.unique ?? false),
      requiredField,
    };
  }
}
