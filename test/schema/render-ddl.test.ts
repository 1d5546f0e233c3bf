import { describe, expect, it } from "vitest";

import { planSchemaDdl } from "../../generator/ddl/plan-schema-ddl.js";
import { renderDdl } from "../../generator/ddl/render-ddl.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";

describe("renderDdl", () => {
  it("tells the reviewer that a reference to an unmanaged table gets no foreign key", () => {
    const manifest = resolveSchema({
      auth: {
        user: {
          additionalFields: {
            roleId: {
              type: "string",
              required: false,
              references: { model: "roles", field: "id" },
            },
          },
        },
      },
    });
    const user = planSchemaDdl(manifest).filter(
      (statement) =>
        statement.kind === "createTable" && statement.table.model === "user",
    );

    expect(renderDdl(user).split("\n").slice(0, 3)).toEqual([
      '-- model "user"',
      "-- user.roleId references roles.id, which this schema does not manage: no foreign key is created",
      'CREATE TABLE "user" (',
    ]);
    expect(renderDdl(planSchemaDdl(manifest))).not.toContain('"roles"');
  });
});
