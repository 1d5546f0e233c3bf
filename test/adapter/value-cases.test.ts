import type { Where } from "@better-auth/core/db/adapter";
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
        birthDate: { type: "date", required: false },
        preferences: { type: "json", required: false },
        tags: { type: "string[]", required: false },
        ratings: { type: "number[]", required: false },
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
      "NaN in a number[] element",
      { ratings: [1.5, Number.NaN] },
      "ratings",
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

describe("where values PostgreSQL cannot store, on every path", () => {
  const auth = {
    user: {
      additionalFields: {
        tags: { type: "string[]", required: false },
        birthDate: { type: "date", required: false },
      },
    },
  } as BetterAuthOptions;
  let fixture: AdapterFixture;
  let userId: string;

  beforeAll(async () => {
    fixture = await createAdapterFixture("where_values", auth);
    const user = await fixture.adapter.create<Row, Row>({
      model: "user",
      data: userData("ada@x.test", { tags: ["a"] }),
    });
    userId = user.id as string;
    await fixture.adapter.create({
      model: "session",
      data: {
        token: "t1",
        userId,
        expiresAt: new Date("2030-01-01T00:00:00Z"),
        updatedAt: new Date("2026-01-01T00:00:00Z"),
      },
    });
  });

  afterAll(async () => {
    await fixture.drop();
  });

  /** The error of the call, after checking that it sent nothing. */
  async function refusal(call: () => Promise<unknown>) {
    fixture.statements.length = 0;
    const error = await call().catch((caught: unknown) => caught);
    expect(fixture.statements).toEqual([]);
    return error;
  }

  function nulIn(field: string) {
    return `The value for field "${field}" (column "${field}") contains a NUL character, which PostgreSQL cannot store.`;
  }

  const user = (where: Where[]) => () =>
    fixture.adapter.findMany({ model: "user", where });

  it.each<[string, () => Promise<unknown>, string]>([
    [
      "findOne by a unique field (static findUserByEmail)",
      () =>
        fixture.adapter.findOne({
          model: "user",
          where: [{ field: "email", value: "a\u0000b" }],
        }),
      "email",
    ],
    [
      "findOne of a session with its user by token (static)",
      () =>
        fixture.adapter.findOne({
          model: "session",
          where: [{ field: "token", value: "t\u0000" }],
          join: { user: true },
        }),
      "token",
    ],
    [
      "findMany by a foreign key (static listSessionsByUserId)",
      () =>
        fixture.adapter.findMany({
          model: "session",
          where: [{ field: "userId", value: "u\u0000" }],
        }),
      "userId",
    ],
    [
      "contains",
      user([{ field: "name", value: "\u0000", operator: "contains" }]),
      "name",
    ],
    [
      "an insensitive in list",
      user([
        {
          field: "email",
          value: ["ada@x.test", "b\u0000"],
          operator: "in",
          mode: "insensitive",
        },
      ]),
      "email",
    ],
    [
      "contains on an array column",
      user([{ field: "tags", value: "a\u0000", operator: "contains" }]),
      "tags",
    ],
    [
      "count",
      () =>
        fixture.adapter.count({
          model: "user",
          where: [{ field: "email", value: "a\u0000b" }],
        }),
      "email",
    ],
    [
      "update",
      () =>
        fixture.adapter.update({
          model: "user",
          where: [{ field: "email", value: "a\u0000b" }],
          update: { name: "x" },
        }),
      "email",
    ],
    [
      "deleteMany",
      () =>
        fixture.adapter.deleteMany({
          model: "session",
          where: [{ field: "token", value: "t\u0000" }],
        }),
      "token",
    ],
  ])(
    "refuses a NUL in a where value of %s by name, sending nothing",
    async (_case, call, field) => {
      const error = await refusal(call);

      expect(error).toBeInstanceOf(InvalidQueryError);
      expect((error as Error).message).toBe(nulIn(field));
    },
  );

  it("refuses a NUL on a call that reuses a cached static statement", async () => {
    const byEmail = (email: string) =>
      fixture.adapter.findOne<Row>({
        model: "user",
        where: [{ field: "email", value: email }],
      });
    fixture.statements.length = 0;
    expect((await byEmail("ada@x.test"))?.id).toBe(userId);
    expect(fixture.statements.map((statement) => statement.name)).toEqual([
      "findUserByEmail",
    ]);

    const error = await refusal(() => byEmail("ada@x.test\u0000"));

    expect(error).toBeInstanceOf(InvalidQueryError);
    expect((error as Error).message).toBe(nulIn("email"));
  });

  it("refuses a NUL on a call that reuses a cached compiled statement", async () => {
    const byName = (name: string) =>
      fixture.adapter.deleteMany({
        model: "session",
        where: [
          { field: "userId", value: userId },
          { field: "token", value: name },
        ],
      });
    expect(await byName("missing")).toBe(0);

    const error = await refusal(() => byName("t1\u0000"));

    expect(error).toBeInstanceOf(InvalidQueryError);
    expect((error as Error).message).toBe(nulIn("token"));
    expect(await fixture.adapter.count({ model: "session" })).toBe(1);
  });

  it("refuses an invalid Date in an ordering on a cached statement", async () => {
    const bornBefore = (date: Date) =>
      fixture.adapter.findMany({
        model: "user",
        where: [{ field: "birthDate", value: date, operator: "lt" }],
      });
    expect(await bornBefore(new Date("2000-01-01T00:00:00Z"))).toEqual([]);

    const error = await refusal(() => bornBefore(new Date("not a date")));

    expect(error).toBeInstanceOf(InvalidQueryError);
    expect((error as Error).message).toBe(
      'The value for field "birthDate" (column "birthDate") is an invalid Date, which PostgreSQL cannot store.',
    );
  });

  it("refuses a NUL in data on a create that reuses a cached statement", async () => {
    await fixture.adapter.create({
      model: "user",
      data: userData("bo@x.test"),
    });

    const error = await refusal(() =>
      fixture.adapter.create({
        model: "user",
        data: { ...userData("cy@x.test"), email: "cy\u0000@x.test" },
      }),
    );

    expect(error).toBeInstanceOf(InvalidQueryError);
    expect((error as Error).message).toBe(nulIn("email"));
    expect(await fixture.adapter.count({ model: "user" })).toBe(2);
  });

  it("refuses a NUL in data on an update that reuses a cached statement", async () => {
    const rename = (name: string) =>
      fixture.adapter.update<Row>({
        model: "user",
        where: [{ field: "id", value: userId }],
        update: { name },
      });
    expect((await rename("Ada"))?.name).toBe("Ada");

    const error = await refusal(() => rename("Ada\u0000"));

    expect(error).toBeInstanceOf(InvalidQueryError);
    expect((error as Error).message).toBe(nulIn("name"));
    const stored = await fixture.adapter.findOne<Row>({
      model: "user",
      where: [{ field: "id", value: userId }],
    });
    expect(stored?.name).toBe("Ada");
  });
});
