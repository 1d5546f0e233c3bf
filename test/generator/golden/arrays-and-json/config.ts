// Arrays and json additional fields, with and without defaults.
export default {
  auth: {
    user: {
      additionalFields: {
        tags: { type: "string[]", required: false, defaultValue: [] },
        scores: { type: "number[]", required: false },
        settings: { type: "json", required: false },
        theme: { type: "json", required: true, defaultValue: { mode: "dark" } },
      },
    },
  },
};
