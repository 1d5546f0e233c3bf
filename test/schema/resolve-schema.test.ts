import { describe, expect, it } from "vitest";

import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import { shortenIdentifier } from "../../generator/schema/shorten-identifier.js";

function table(manifest: ReturnType<typeof resolveSchema>, model: string) {
  const found = manifest.tables.find((candidate) => candidate.model === model);
  if (found === undefined) throw new Error(`no model ${model}`);
  return found;
}

describe("resolveSchema", () => {
  it("qualifies tables named with a schema in modelName", () => {
    const manifest = resolveSchema({
      auth: { user: { modelName: "internal.users" } },
    });

    expect(table(manifest, "user")).toMatchObject({
      schema: "internal",
      table: "users",
      qualifiedName: '"internal"."users"',
      modelName: "internal.users",
    });
  });

  it("gives foreign keys the plain integer type of serial ids", () => {
    const manifest = resolveSchema({
      auth: { advanced: { database: { generateId: "serial" } } },
    });

    expect(table(manifest, "user").columns[0]).toMatchObject({
      pgType: "integer",
      defaultSql: null,
    });
    expect(
      table(manifest, "session").columns.find((c) => c.field === "userId"),
    ).toMatchObject({ pgType: "integer", defaultSql: null });
  });

  it("rejects two fields mapped to one column", () => {
    expect(() =>
      resolveSchema({
        auth: { user: { fields: { name: "email" } } },
      }),
    ).toThrow(
      expect.objectContaining({
        name: "CodegenError",
        message:
          'Fields "user.name" and "user.email" both map to column "email".',
        optionPath: "auth.user.fields.email",
      }),
    );
  });

  it("keeps short identifiers and hashes long ones deterministically", () => {
    expect(shortenIdentifier("user_email", "_key")).toBe("user_email_key");

    const long = shortenIdentifier("a".repeat(80), "_idx");
    expect(Buffer.byteLength(long)).toBe(63);
    expect(long).toBe(shortenIdentifier("a".repeat(80), "_idx"));
    expect(long).not.toBe(shortenIdentifier(`${"a".repeat(79)}b`, "_idx"));
  });

  it("rejects a config schema longer than 63 bytes", () => {
    expect(() => resolveSchema({ auth: {}, schema: "s".repeat(70) })).toThrow(
      expect.objectContaining({
        message: `The config's schema "${"s".repeat(70)}" is 70 bytes; PostgreSQL truncates identifiers over 63 bytes, so choose a shorter name.`,
        optionPath: "schema",
      }),
    );
  });

  it("refuses a model named like the migration journal", () => {
    expect(() =>
      resolveSchema({
        auth: { user: { modelName: "pg_auth_codegen_migrations" } },
      }),
    ).toThrow(
      expect.objectContaining({
        message:
          'Model "user" maps to table "pg_auth_codegen_migrations", which the migration runner keeps its journal in; choose another modelName.',
        optionPath: "auth.user.modelName",
      }),
    );
  });
});
