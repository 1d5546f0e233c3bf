// Importing this config fails, as a config with a typo in a plugin would.
throw new Error("the plugin options are incomplete");
