// Better Auth's usePlural: every table name gets an "s".
export default {
  usePlural: true,
  auth: {},
};
