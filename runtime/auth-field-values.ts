import type { AuthField } from "./auth-model.js";

// The adapter factory's per-field value rules (Better Auth 1.7), which
// `AuthModel` applies field by field.

/** True for a promise or any other thenable. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * One field's value for the database: dates parsed, the default or
 * `onUpdate` value applied, then `transform.input` (which may return a
 * promise).
 */
export function encodeField(
  field: AuthField,
  value: unknown,
  action: "create" | "update",
): unknown {
  const prepared = withDefault(field, value, action);
  const transform = field.attributes!.transform?.input;
  return transform === undefined ? prepared : transform(prepared as never);
}

/**
 * The factory leaves out an undefined field unless something gives it a
 * value: on create a default or `transform.input`, on update `onUpdate`.
 */
export function skipsUndefined(
  field: AuthField,
  action: "create" | "update",
): boolean {
  const attributes = field.attributes!;
  if (action === "update") return !attributes.onUpdate;
  return attributes.defaultValue === undefined && !attributes.transform?.input;
}

/** Parses date strings, then applies `defaultValue` or `onUpdate`. */
function withDefault(
  field: AuthField,
  value: unknown,
  action: "create" | "update",
): unknown {
  const attributes = field.attributes!;
  if (field.type === "date" && typeof value === "string") {
    value = new Date(value);
  }

  if (action === "update") {
    if (value === undefined && attributes.onUpdate !== undefined) {
      const onUpdate: unknown = attributes.onUpdate;
      return typeof onUpdate === "function" ? onUpdate() : onUpdate;
    }
    return value;
  }

  if (
    (value === undefined || (attributes.required === true && value === null)) &&
    attributes.defaultValue !== undefined
  ) {
    const defaultValue: unknown = attributes.defaultValue;
    return typeof defaultValue === "function" ? defaultValue() : defaultValue;
  }
  return value;
}

/** Numeric strings (and arrays of only numeric strings) become numbers. */
export function toNumbers(value: unknown): unknown {
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isNaN(parsed) ? value : parsed;
  }
  if (Array.isArray(value)) {
    const parsed = value.map((item) =>
      typeof item === "string" && item.trim() !== "" ? Number(item) : NaN,
    );
    return parsed.every((item) => !Number.isNaN(item)) ? parsed : value;
  }
  return value;
}
