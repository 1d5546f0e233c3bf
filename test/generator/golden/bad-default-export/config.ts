// The options themselves instead of { auth: options }.
export default { emailAndPassword: { enabled: true } };
