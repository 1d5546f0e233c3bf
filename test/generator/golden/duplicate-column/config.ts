// Two fields mapped to one column.
export default {
  auth: { user: { fields: { name: "display", image: "display" } } },
};
