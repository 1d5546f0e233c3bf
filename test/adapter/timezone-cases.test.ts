import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createAdapterFixture,
  userData,
  type AdapterFixture,
} from "./adapter-fixture.js";

type Row = Record<string, unknown>;

const EXPIRES_AT = "2026-01-01T12:00:00.000Z";
const EXPIRES_AT_MS = 1767268800000;

/**
 * Node re-reads `process.env.TZ` when it is assigned, so one file can play
 * a host in Tokyo and then one in Denver; the database session stays UTC.
 */
function useHostTimeZone(zone: string, offsetMinutes: number) {
  process.env.TZ = zone;
  expect(new Date(EXPIRES_AT).getTimezoneOffset()).toBe(offsetMinutes);
}

describe("C15: instants survive any host time zone", () => {
  const originalZone = process.env.TZ;
  let fixture: AdapterFixture;
  let userId: string;

  beforeAll(async () => {
    fixture = await createAdapterFixture(
      "c15",
      { advanced: { database: { joins: true } } },
      { pool: { options: "-c TimeZone=UTC" } },
    );
    const user = await fixture.adapter.create<Row, Row>({
      model: "user",
      data: userData("tz@x.test"),
    });
    userId = user.id as string;
  });

  afterAll(async () => {
    process.env.TZ = originalZone;
    await fixture.drop();
  });

  it("stores every date field as timestamptz", async () => {
    const { rows } = await fixture.pool.query(
      `SELECT DISTINCT data_type FROM information_schema.columns
       WHERE table_schema = 'public'
         AND column_name IN ('createdAt', 'updatedAt', 'expiresAt',
           'accessTokenExpiresAt', 'refreshTokenExpiresAt')`,
    );

    expect(rows).toEqual([{ data_type: "timestamp with time zone" }]);
  });

  type Zone = readonly [name: string, offsetMinutes: number];
  const TOKYO: Zone = ["Asia/Tokyo", -540];
  const DENVER: Zone = ["America/Denver", 420];
  const hosts: [writer: Zone, reader: Zone][] = [
    [TOKYO, DENVER],
    [DENVER, TOKYO],
  ];

  for (const [writer, reader] of hosts) {
    it(`reads back the exact instant written with TZ=${writer[0]} under TZ=${reader[0]}`, async () => {
      const token = `tz-${writer[0]}`;
      useHostTimeZone(...writer);
      await fixture.adapter.create({
        model: "session",
        data: {
          token,
          userId,
          expiresAt: new Date(EXPIRES_AT),
          updatedAt: new Date(),
        },
      });

      useHostTimeZone(...reader);
      const read = await fixture.adapter.findOne<Row>({
        model: "session",
        where: [{ field: "token", value: token }],
      });
      const later = await fixture.adapter.findMany<Row>({
        model: "session",
        where: [
          { field: "token", value: token },
          {
            field: "expiresAt",
            value: new Date("2026-01-01T11:59:59.999Z"),
            operator: "gt",
          },
        ],
      });
      const joined = await fixture.adapter.findOne<Row>({
        model: "user",
        where: [{ field: "id", value: userId }],
        join: { session: true },
      });

      expect((read?.expiresAt as Date).getTime()).toBe(EXPIRES_AT_MS);
      expect(later.map((row) => row.token)).toEqual([token]);
      const embedded = (joined?.session as Row[]).find(
        (row) => row.token === token,
      );
      expect((embedded?.expiresAt as Date).getTime()).toBe(EXPIRES_AT_MS);
    });
  }
});
