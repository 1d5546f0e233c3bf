import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import Handlebars from "handlebars";

/**
 * The generator's one handlebars instance, private so that helpers and
 * partials registered elsewhere in a process never change our output.
 * Templates only loop and branch over values the generator computed; they
 * hold no decisions. Output is not HTML, so nothing is escaped, and strict
 * mode turns a misspelt field into an error instead of an empty string.
 *
 * Helpers: none. `{{#each}}`, `{{#if}}`, `{{#unless @last}}` are enough.
 */
const handlebars = Handlebars.create();

const TEMPLATE_DIR = fileURLToPath(
  new URL("../../templates/", import.meta.url),
);

const compiled = new Map<string, Handlebars.TemplateDelegate>();

/**
 * Renders `templates/<name>.hbs` with a context. Templates are read once
 * per process.
 *
 * @throws {Error} when the template is missing or reads a field the context
 * does not have.
 */
export function renderTemplate(name: string, context: object): string {
  let template = compiled.get(name);
  if (template === undefined) {
    const source = readFileSync(`${TEMPLATE_DIR}${name}.hbs`, "utf8");
    template = handlebars.compile(source, { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(context);
}
