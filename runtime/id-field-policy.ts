import type { BetterAuthOptions } from "@better-auth/core";
import { logger } from "@better-auth/core/env";
import { generateId } from "@better-auth/core/utils/id";

/** What Better Auth's adapter factory accepts as a forced uuid id. */
const UUID_V1_TO_V5 =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The `id` field as Better Auth 1.7's adapter factory treats it for an
 * adapter that supports uuids and numeric ids, per
 * `advanced.database.generateId`:
 *
 * - default or a function: the factory generates a string id on create
 *   (`generateId()` or the function), and keeps a caller's id only with
 *   `forceAllowId`;
 * - `"uuid"`: the database default makes the id; a forced id is kept only
 *   when it is a v1-v5 uuid, otherwise a warning is logged and the column
 *   default applies;
 * - `"serial"`: the identity column makes the id; a forced or updated id
 *   is sent as a number (dropped when it is not one);
 * - `false`: nothing is generated; a caller's id is kept.
 *
 * Falsy ids (`""`, `0`) are dropped, as the factory drops them.
 */
export class IdFieldPolicy {
  readonly #generate: unknown;
  readonly numeric: boolean;
  readonly #uuid: boolean;

  constructor(options: BetterAuthOptions) {
    this.#generate = options.advanced?.database?.generateId;
    this.numeric = this.#generate === "serial";
    this.#uuid = this.#generate === "uuid";
  }

  /**
   * The id to write, or undefined to leave the column out. `forced` is
   * `forceAllowId` given with an `id` key in the data.
   */
  encode(
    value: unknown,
    action: "create" | "update",
    forced: boolean,
    modelKey: string,
  ): unknown {
    const generates = this.#generates(forced);
    if (
      action === "create" &&
      generates &&
      (value === undefined || value === null)
    ) {
      value = this.#newId(modelKey);
    }
    return this.#accept(value, forced);
  }

  #generates(forced: boolean): boolean {
    if (this.numeric && !forced) return false;
    // The adapter supports uuids, so the database generates them.
    if (this.#uuid) return false;
    return true;
  }

  #newId(modelKey: string): unknown {
    const generate = this.#generate;
    if (generate === false || generate === "serial") return undefined;
    if (typeof generate === "function") return generate({ model: modelKey });
    return generateId();
  }

  #accept(value: unknown, forced: boolean): unknown {
    if (!value) return undefined;
    if (this.numeric) {
      const number = Number(value);
      return Number.isNaN(number) ? undefined : number;
    }
    if (!this.#uuid) return value;

    if (forced && typeof value === "string") {
      if (UUID_V1_TO_V5.test(value)) return value;
      const stack = new Error().stack
        ?.split("\n")
        .filter((_, index) => index !== 1)
        .join("\n")
        .replace("Error:", "");
      logger.warn(
        "[Adapter Factory] - Invalid UUID value for field `id` provided when `forceAllowId` is true. Generating a new UUID.",
        stack,
      );
    }
    return undefined;
  }
}
