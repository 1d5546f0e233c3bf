import { organization } from "better-auth/plugins";

// Serial ids: identity keys, plain integer foreign keys (C12).
export default {
  auth: {
    advanced: { database: { generateId: "serial" } },
    user: {
      additionalFields: {
        favoriteOrgId: {
          type: "string",
          required: false,
          references: { model: "organization", field: "id" },
        },
      },
    },
    plugins: [organization({ teams: { enabled: true } })],
  },
};
