// Jest 29 reads `testTimeout` from the top-level config only, so a project that needs longer tests sets it here.
jest.setTimeout(60_000);
