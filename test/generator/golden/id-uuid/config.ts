// uuid ids: the database generates them, inserts may still pass one.
export default {
  auth: {
    user: { modelName: "users" },
    advanced: { database: { generateId: "uuid" } },
  },
};
