// A column name over Postgres' 63 bytes cannot be shortened: the name is
// the contract with the app and with existing rows.
export default {
  auth: {
    user: {
      additionalFields: {
        invitationAcceptedByMemberIdentifierOfTheOrganizationThatInvitedThem: {
          type: "string",
          required: false,
        },
      },
    },
  },
};
