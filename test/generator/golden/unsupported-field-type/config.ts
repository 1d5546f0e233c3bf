// A field type Better Auth does not define.
export default {
  auth: {
    user: { additionalFields: { avatar: { type: "blob", required: false } } },
  },
};
