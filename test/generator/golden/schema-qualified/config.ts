// A config-wide schema plus a model that names its schema itself.
export default {
  schema: "internal",
  auth: {
    user: { modelName: "internal.users" },
    rateLimit: { enabled: true, storage: "database" },
  },
};
