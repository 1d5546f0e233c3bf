import { afterAll, beforeAll, describe, expect, it } from "vitest";

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
