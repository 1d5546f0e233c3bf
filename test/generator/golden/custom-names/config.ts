// Custom model and field names: tables, columns and the session+user join
// follow the mapping, queries keep Better Auth's model and field keys.
export default {
  auth: {
    user: { modelName: "users", fields: { email: "email_address" } },
    session: { modelName: "sessions", fields: { userId: "user_id" } },
    account: { modelName: "identities" },
  },
};
