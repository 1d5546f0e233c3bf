// The default id strategy: Better Auth generates text ids.
export default {
  auth: { emailAndPassword: { enabled: true } },
};
