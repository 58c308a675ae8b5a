// eslint over our own scripts (site/static/js), run by .ci/run; the vendored libraries
// (site/static/vendor) are not ours to change. Page scripts are classic scripts in the
// browser; the service worker runs in its own scope.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["site/static/vendor/**", "static_collected/**", "node_modules/**"] },
  {
    files: ["site/static/js/**/*.js"],
    languageOptions: {
      // ES5 syntax, as the scripts are written, so older phone WebViews parse them; newer
      // built-ins (Promise, fetch, caches) are known, and each script checks for what it uses.
      ecmaVersion: 5,
      sourceType: "script",
      globals: { ...globals.es2021, ...globals.browser }
    },
    rules: {
      ...js.configs.recommended.rules,
      // `catch (e)` keeps the scripts parseable by older phone browsers (no optional binding).
      "no-unused-vars": ["error", { caughtErrors: "none" }]
    }
  },
  {
    files: ["site/static/js/service-worker.js"],
    languageOptions: {
      globals: { ...globals.serviceworker }
    }
  }
];
