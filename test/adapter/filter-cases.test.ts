import type { Where } from "@better-auth/core/db/adapter";
import type { BetterAuthOptions } from "better-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { InvalidQueryError } from "../../runtime/invalid-query-error.js";
import {
  createAdapterFixture,
  userData,
  type AdapterFixture,
} from "./adapter-fixture.js";

type User = { id: string; email: string; image: string | null; name: string };

describe("C02: null values and empty lists in filters", () => {
  let fixture: AdapterFixture;
  let ids: string[];

  beforeAll(async () => {
    fixture = await createAdapterFixture("c02", {});
    const created = [];
    for (const [email, image] of [
      ["a@x.test", null],
      ["b@x.test", null],
      ["c@x.test", "x"],
    ] as const) {
      created.push(
        await fixture.adapter.create<Record<string, unknown>, User>({
          model: "user",
          data: userData(email, { image }),
        }),
      );
    }
    ids = created.map((user) => user.id);
  });

  afterAll(async () => {
    await fixture.drop();
  });

  it("finds the two users whose image is null with eq null", async () => {
    const users = await fixture.adapter.findMany<User>({
      model: "user",
      where: [{ field: "image", value: null }],
    });

    expect(users.map((user) => user.email).sort()).toEqual([
      "a@x.test",
      "b@x.test",
    ]);
  });

  it("finds the one user with an image with ne null", async () => {
    const users = await fixture.adapter.findMany<User>({
      model: "user",
      where: [{ field: "image", value: null, operator: "ne" }],
    });

    expect(users.map((user) => user.email)).toEqual(["c@x.test"]);
  });

  it("honours a null clause inside an OR group", async () => {
    const users = await fixture.adapter.findMany<User>({
      model: "user",
      where: [
        { field: "image", value: null, connector: "OR" },
        { field: "email", value: "c@x.test", connector: "OR" },
      ],
    });

    expect(users).toHaveLength(3);
  });

  it("updates the row matched by a null clause and its id", async () => {
    const updated = await fixture.adapter.update<User>({
      model: "user",
      where: [
        { field: "image", value: null },
        { field: "id", value: ids[0]! },
      ],
      update: { name: "renamed" },
    });

    expect(updated).toMatchObject({
      id: ids[0],
      email: "a@x.test",
      image: null,
      name: "renamed",
    });
  });

  it("returns nothing and touches nothing for in []", async () => {
    const where = [
      { field: "id", value: [] as string[], operator: "in" as const },
    ];

    const found = await fixture.adapter.findMany({ model: "user", where });
    const counted = await fixture.adapter.count({ model: "user", where });
    const updated = await fixture.adapter.updateMany({
      model: "user",
      where,
      update: { name: "touched" },
    });
    const deleted = await fixture.adapter.deleteMany({ model: "user", where });

    expect([found, counted, updated, deleted]).toEqual([[], 0, 0, 0]);
    expect(await fixture.adapter.count({ model: "user" })).toBe(3);
    expect(
      await fixture.adapter.count({
        model: "user",
        where: [{ field: "name", value: "touched" }],
      }),
    ).toBe(0);
  });

  it("returns every row for not_in []", async () => {
    const users = await fixture.adapter.findMany({
      model: "user",
      where: [{ field: "id", value: [] as string[], operator: "not_in" }],
    });

    expect(users).toHaveLength(3);
  });
});

describe("C04: case-insensitive mode on every string operator", () => {
  const auth = { user: { fields: { email: "email_address" } } };
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture("c04", auth);
    await fixture.adapter.create({
      model: "user",
      data: userData("TestUser@Example.COM"),
    });
    await fixture.adapter.create({
      model: "user",
      data: userData("other@x.test"),
    });
  });

  afterAll(async () => {
    await fixture.drop();
  });

  async function emailsWhere(
    operator:
      "eq" | "in" | "not_in" | "ne" | "contains" | "starts_with" | "ends_with",
    value: string | string[],
  ) {
    const users = await fixture.adapter.findMany<User>({
      model: "user",
      where: [{ field: "email", value, operator, mode: "insensitive" }],
    });
    return users.map((user) => user.email).sort();
  }

  it("finds the stored casing with an insensitive eq", async () => {
    const user = await fixture.adapter.findOne<User>({
      model: "user",
      where: [
        { field: "email", value: "testuser@example.com", mode: "insensitive" },
      ],
    });

    expect(user?.email).toBe("TestUser@Example.COM");
  });

  it("finds nothing with the default sensitive eq", async () => {
    const user = await fixture.adapter.findOne({
      model: "user",
      where: [{ field: "email", value: "testuser@example.com" }],
    });

    expect(user).toBeNull();
  });

  it("honours insensitive in, not_in and ne", async () => {
    const list = ["TESTUSER@EXAMPLE.COM", "z@z.test"];

    expect(await emailsWhere("in", list)).toEqual(["TestUser@Example.COM"]);
    expect(await emailsWhere("not_in", list)).toEqual(["other@x.test"]);
    expect(await emailsWhere("ne", "testuser@example.com")).toEqual([
      "other@x.test",
    ]);
  });

  it("honours insensitive contains, starts_with and ends_with", async () => {
    expect(await emailsWhere("contains", "EXAMPLE")).toEqual([
      "TestUser@Example.COM",
    ]);
    expect(await emailsWhere("starts_with", "testuser")).toEqual([
      "TestUser@Example.COM",
    ]);
    expect(await emailsWhere("ends_with", ".com")).toEqual([
      "TestUser@Example.COM",
    ]);
  });

  it("treats insensitive mode on boolean and date fields as a no-op", async () => {
    const byBoolean = await fixture.adapter.findMany({
      model: "user",
      where: [{ field: "emailVerified", value: false, mode: "insensitive" }],
    });
    const byDate = await fixture.adapter.findMany({
      model: "user",
      where: [
        {
          field: "createdAt",
          value: new Date(Date.now() + 3_600_000),
          operator: "lt",
          mode: "insensitive",
        },
      ],
    });

    expect(byBoolean).toHaveLength(2);
    expect(byDate).toHaveLength(2);
  });

  it("sends the mapped column name email_address", async () => {
    fixture.statements.length = 0;
    await emailsWhere("eq", "testuser@example.com");

    expect(fixture.statements.map((statement) => statement.sql)).toEqual([
      expect.stringContaining('lower("email_address") = lower($1)'),
    ]);
  });
});

describe("values of another type than the column's, with uuid ids", () => {
  const auth = {
    advanced: { database: { generateId: "uuid" } },
    user: {
      additionalFields: {
        scores: { type: "number[]", required: false },
        tags: { type: "string[]", required: false },
      },
    },
  } as BetterAuthOptions;
  let fixture: AdapterFixture;
  let ids: string[];

  beforeAll(async () => {
    fixture = await createAdapterFixture("typed_values_uuid", auth);
    ids = [];
    for (const email of ["a@x.test", "b@x.test"]) {
      const user = await fixture.adapter.create<Record<string, unknown>, User>({
        model: "user",
        data: userData(email, { scores: [1.5], tags: ["t"] }),
      });
      ids.push(user.id);
    }
    ids.sort();
  });

  afterAll(async () => {
    await fixture.drop();
  });

  async function emailsWhere(where: Where[]) {
    fixture.statements.length = 0;
    const users = await fixture.adapter.findMany<User>({
      model: "user",
      where,
    });
    return users.map((user) => user.email).sort();
  }

  async function refusal(call: () => Promise<unknown>) {
    fixture.statements.length = 0;
    const error = await call().catch((caught: unknown) => caught);
    expect(fixture.statements).toEqual([]);
    return error;
  }

  it.each(["lt", "lte", "gt", "gte"] as const)(
    "refuses %s against a malformed uuid, naming the field and its type",
    async (operator) => {
      const error = await refusal(() =>
        emailsWhere([{ field: "id", value: "not-a-uuid", operator }]),
      );

      expect(error).toBeInstanceOf(InvalidQueryError);
      expect((error as Error).message).toBe(
        `Operator "${operator}" on field "id" of model "user" needs a value of the column's type, uuid.`,
      );
    },
  );

  it("refuses an ordering on a uuid foreign key by the field's name", async () => {
    const error = await refusal(() =>
      fixture.adapter.count({
        model: "session",
        where: [{ field: "userId", value: "junk", operator: "gt" }],
      }),
    );

    expect((error as Error).message).toBe(
      `Operator "gt" on field "userId" of model "session" needs a value of the column's type, uuid.`,
    );
  });

  it("refuses a malformed uuid after a well-formed one cached the statement", async () => {
    const after = (id: string) =>
      fixture.adapter.deleteMany({
        model: "session",
        where: [{ field: "userId", value: id, operator: "gt" }],
      });
    expect(await after(ids[0]!)).toBe(0);

    const error = await refusal(() => after("junk"));

    expect(error).toBeInstanceOf(InvalidQueryError);
  });

  it("matches nothing with eq or in and every row with ne or not_in", async () => {
    const junk = "not-a-uuid";

    expect(await emailsWhere([{ field: "id", value: junk }])).toEqual([]);
    expect(
      await emailsWhere([
        { field: "id", value: [junk, ids[0]!], operator: "in" },
      ]),
    ).toHaveLength(1);
    expect(
      await emailsWhere([{ field: "id", value: junk, operator: "ne" }]),
    ).toEqual(["a@x.test", "b@x.test"]);
    expect(
      await emailsWhere([{ field: "id", value: [junk], operator: "not_in" }]),
    ).toEqual(["a@x.test", "b@x.test"]);
  });

  it("matches nothing when an array column is compared with a string", async () => {
    expect(await emailsWhere([{ field: "tags", value: "t" }])).toEqual([]);
    expect(
      await emailsWhere([{ field: "tags", value: "t", operator: "ne" }]),
    ).toEqual(["a@x.test", "b@x.test"]);
    expect(await emailsWhere([{ field: "tags", value: ["t"] }])).toEqual([
      "a@x.test",
      "b@x.test",
    ]);
  });

  it("finds no number array holding a string", async () => {
    expect(
      await emailsWhere([
        { field: "scores", value: "abc", operator: "contains" },
      ]),
    ).toEqual([]);
    expect(fixture.statements).toEqual([]);
    expect(
      await emailsWhere([
        { field: "scores", value: 1.5, operator: "contains" },
      ]),
    ).toEqual(["a@x.test", "b@x.test"]);
  });
});

describe("values of another type than the column's, with serial ids", () => {
  const auth = {
    advanced: { database: { generateId: "serial" } },
    user: {
      additionalFields: {
        loginCount: { type: "number", required: false },
      },
    },
  } as BetterAuthOptions;
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture("typed_values_serial", auth);
    for (const [email, loginCount] of [
      ["one@x.test", 1],
      ["two@x.test", 2],
      ["three@x.test", 3],
      ["none@x.test", null],
    ] as const) {
      await fixture.adapter.create({
        model: "user",
        data: userData(email, { loginCount }),
      });
    }
  });

  afterAll(async () => {
    await fixture.drop();
  });

  async function emailsWhere(where: Where[]) {
    const users = await fixture.adapter.findMany<User>({
      model: "user",
      where,
      sortBy: { field: "email", direction: "asc" },
    });
    return users.map((user) => user.email);
  }

  it("refuses gt against an id that is not a number", async () => {
    fixture.statements.length = 0;
    const error = await emailsWhere([
      { field: "id", value: "abc", operator: "gt" },
    ]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidQueryError);
    expect((error as Error).message).toBe(
      `Operator "gt" on field "id" of model "user" needs a value of the column's type, integer.`,
    );
    expect(fixture.statements).toEqual([]);
  });

  it("refuses lte against a string on an integer field", async () => {
    const error = await emailsWhere([
      { field: "loginCount", value: "many", operator: "lte" },
    ]).catch((caught: unknown) => caught);

    expect((error as Error).message).toBe(
      `Operator "lte" on field "loginCount" of model "user" needs a value of the column's type, integer.`,
    );
  });

  it("matches nothing with eq and every row with a value with ne for a non-numeric id", async () => {
    expect(await emailsWhere([{ field: "id", value: "abc" }])).toEqual([]);
    expect(
      await emailsWhere([{ field: "id", value: "abc", operator: "ne" }]),
    ).toEqual(["none@x.test", "one@x.test", "three@x.test", "two@x.test"]);
  });

  it.each<[string, number, string[]]>([
    ["lt", 2.5, ["one@x.test", "two@x.test"]],
    ["lte", 2.5, ["one@x.test", "two@x.test"]],
    ["gt", 1.5, ["three@x.test", "two@x.test"]],
    ["gte", 1.5, ["three@x.test", "two@x.test"]],
    ["lt", -0.5, []],
    ["gt", -0.5, ["one@x.test", "three@x.test", "two@x.test"]],
    ["lt", 3_000_000_000, ["one@x.test", "three@x.test", "two@x.test"]],
    ["gte", 3_000_000_000, []],
    ["lte", -3_000_000_000, []],
    ["gt", -3_000_000_000, ["one@x.test", "three@x.test", "two@x.test"]],
  ])(
    "answers loginCount %s %d as the integers it stands for",
    async (operator, value, emails) => {
      expect(
        await emailsWhere([
          { field: "loginCount", value, operator: operator as "lt" },
        ]),
      ).toEqual(emails);
    },
  );

  it("matches nothing with eq on a fraction of an integer field", async () => {
    expect(await emailsWhere([{ field: "loginCount", value: 1.5 }])).toEqual(
      [],
    );
  });
});
