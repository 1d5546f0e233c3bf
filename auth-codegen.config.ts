import { apiKey } from "@better-auth/api-key";
import { passkey } from "@better-auth/passkey";
import {
  admin,
  emailOTP,
  jwt,
  magicLink,
  organization,
  twoFactor,
  username,
} from "better-auth/plugins";

import { defineConfig } from "./generator/config.js";

// This repository's own example: the options an app would pass to
// betterAuth(), minus the database, which the generated adapter supplies.
export default defineConfig({
  sqlDir: "sql",
  outDir: "generated",
  auth: {
    emailAndPassword: { enabled: true },
    // Better Auth then asks the adapter for a session with its user (and a
    // user with their accounts) in one statement instead of two.
    advanced: { database: { joins: true } },
    rateLimit: { enabled: true, storage: "database" },
    user: {
      additionalFields: {
        nickname: { type: "string", required: false },
        loginCount: { type: "number", required: false, defaultValue: 0 },
        marketingOptIn: { type: "boolean", required: false },
        birthDate: { type: "date", required: false },
        preferences: { type: "json", required: false },
        tags: { type: "string[]", required: false },
        luckyNumbers: { type: "number[]", required: false },
      },
    },
    plugins: [
      username(),
      twoFactor(),
      organization({ teams: { enabled: true } }),
      admin(),
      magicLink({ sendMagicLink: async () => {} }),
      emailOTP({ sendVerificationOTP: async () => {} }),
      jwt(),
      apiKey(),
      passkey(),
    ],
  },
});
