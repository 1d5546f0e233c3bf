import type { BetterAuthOptions } from "better-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { InvalidQueryError } from "../../runtime/invalid-query-error.js";
import {
  createAdapterFixture,
  userData,
  type AdapterFixture,
} from "./adapter-fixture.js";

type Row = Record<string, unknown>;

describe("values PostgreSQL cannot store", () => {
  const auth = {
    user: {
      additionalFields: {
        loginCount: { type: "number", required: false },
        birthDate: { type: "date", required: false },
        preferences: { type: "json", required: false },
        tags: { type: "string[]", required: false },
      },
    },
  } as BetterAuthOptions;
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture("values", auth);
  });

  afterAll(async () => {
    await fixture.drop();
  });

  function create(email: string, extra: Row) {
    fixture.statements.length = 0;
    return fixture.adapter.create<Row, Row>({
      model: "user",
      data: userData(email, extra),
    });
  }

  const cycle: Row = {};
  cycle.self = cycle;

  it.each([
    [
      "a NUL in text",
      { name: "Ada\u0000" },
      "name",
      "contains a NUL character",
    ],
    [
      "a NUL in a text[] element",
      { tags: ["ok", "x\u0000"] },
      "tags",
      "contains a NUL character",
    ],
    [
      "a NUL inside JSON",
      { preferences: { note: "x\u0000" } },
      "preferences",
      "contains a NUL character",
    ],
    [
      "JSON with a cycle",
      { preferences: cycle },
      "preferences",
      "cannot be serialised as JSON (a cycle or a BigInt)",
    ],
    [
      "an invalid Date",
      { birthDate: new Date("not a date") },
      "birthDate",
      "is an invalid Date",
    ],
    [
      "NaN for a number",
      { loginCount: Number.NaN },
      "loginCount",
      "is not a finite number",
    ],
  ])(
    "refuses %s before sending anything, naming the field",
    async (_case, extra, field, reason) => {
      const error = await create(`${field}@x.test`, extra).catch(
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(InvalidQueryError);
      expect((error as Error).message).toBe(
        `The value for field "${field}" (column "${field}") ${reason}, which PostgreSQL cannot store.`,
      );
      expect(await fixture.adapter.count({ model: "user", where: [] })).toBe(0);
    },
  );

  it("stores JSON whose text merely spells a backslash and u0000", async () => {
    const user = await create("spelled@x.test", {
      preferences: { note: "\\u0000" },
    });

    const found = await fixture.adapter.findOne<Row>({
      model: "user",
      where: [{ field: "id", value: user.id as string }],
    });
    expect(found?.preferences).toEqual({ note: "\\u0000" });
  });
});
