// The edgekit console: builds one form per template from the API's
// description of its template.toml, applies values, shows field errors, and
// offers a small "try it" form for the templates that have one.
"use strict";

const api = "/_console/api";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function fieldId(template, key) {
  return `${template.name}--${key}`;
}

function input(template, p) {
  const id = fieldId(template, p.key);
  const common = { id, name: p.key, "aria-describedby": `${id}-hint ${id}-error` };
  if (p.required) common["aria-required"] = "true";
  const current = p.value ?? "";
  if (p.type === "enum") {
    const select = el("select", common);
    if (!p.required) select.append(el("option", { value: "", text: p.default ? `(default: ${p.default})` : "(not set)" }));
    for (const option of p.options) {
      select.append(el("option", { value: option, text: option, selected: option === current }));
    }
    return select;
  }
  if (p.type === "bool") {
    const select = el("select", common);
    select.append(el("option", { value: "", text: p.default ? `(default: ${p.default})` : "(not set)" }));
    for (const option of ["true", "false"]) {
      select.append(el("option", { value: option, text: option === "true" ? "on" : "off", selected: option === current }));
    }
    return select;
  }
  if (p.type === "json") {
    const area = el("textarea", { ...common, placeholder: p.example ?? p.default ?? "", spellcheck: "false" });
    area.value = current;
    return area;
  }
  const attrs = { ...common, type: p.secret ? "password" : "text", autocomplete: p.secret ? "new-password" : "off" };
  if (p.type === "integer" || p.type === "number") attrs.inputmode = "decimal";
  if (p.type === "url") attrs.inputmode = "url";
  attrs.placeholder = p.secret && p.isSet ? "(set; leave empty to keep it)" : (p.default ?? p.example ?? "");
  const field = el("input", attrs);
  field.value = current;
  return field;
}

function hint(p) {
  const parts = [p.description];
  const type = p.type === "list" && p.options.length ? `list of ${p.options.join(", ")} (comma-separated)` : p.type;
  parts.push(`Type: ${type}.`);
  if (p.min !== null && p.min !== undefined) parts.push(`At least ${p.min}.`);
  if (p.max !== null && p.max !== undefined) parts.push(`At most ${p.max}.`);
  if (p.default) parts.push(`Default: ${p.default}.`);
  if (p.example) parts.push(`Example: ${p.example}.`);
  if (p.secret) parts.push("Secret: never shown again or exported in clear.");
  return parts.filter(Boolean).join(" ");
}

function render(template) {
  const section = el("section", { class: "template", id: template.name, "aria-labelledby": `${template.name}-title` });
  section.append(el("h2", { id: `${template.name}-title`, text: template.title }));
  const status = el("p", { class: `status ${template.running ? "running" : "stopped"}`, id: `${template.name}-status` });
  status.textContent = template.running
    ? `Running at /${template.name}/ · ${template.name} ${template.version}`
    : `Not running: ${template.buildError ?? "set the required settings and press Apply"}`;
  section.append(status, el("p", { text: template.description }));

  if (template.links.length) {
    const list = el("ul", { class: "try", "aria-label": `Try ${template.title}` });
    for (const link of template.links) {
      list.append(el("li", {}, el("a", { href: link.href, target: "_blank", rel: "noopener", text: link.title })));
    }
    section.append(el("h3", { text: "Try it" }), list);
  }
  const trying = tryForm(template);
  if (trying) {
    if (!template.links.length) section.append(el("h3", { text: "Try it" }));
    section.append(trying);
  }

  const form = el("form", { novalidate: true, "aria-label": `Settings of ${template.title}` });
  form.append(el("h3", { text: "Settings" }));
  const general = el("p", { class: "error", id: `${template.name}--error`, role: "alert" });
  for (const p of template.parameters) {
    const id = fieldId(template, p.key);
    const label = el("label", { for: id }, document.createTextNode(`${p.title} `), el("code", { text: p.key }));
    if (p.required) label.append(el("span", { class: "required", "aria-hidden": "true", text: " *" }));
    form.append(
      el("div", { class: "field", "data-key": p.key },
        label,
        el("p", { class: "hint", id: `${id}-hint`, text: hint(p) }),
        input(template, p),
        el("p", { class: "error", id: `${id}-error` })));
  }
  const message = el("span", { class: "message", role: "status", id: `${template.name}--message` });
  const apply = el("button", { type: "submit", text: "Apply" });
  const exports = [["spin", "Export spin.toml"], ["wasmcloud", "Export wadm.yaml"]].map(([format, text]) =>
    el("a", { class: "button secondary", href: `${api}/export/${template.name}?format=${format}`, download: true, text }));
  form.append(general, el("div", { class: "actions" }, apply, ...exports, message));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(template, form, message, general);
  });
  if (template.problems.length) show(template, form, template.problems, general);
  section.append(form);
  return section;
}

function show(template, form, problems, general) {
  const unplaced = [];
  for (const problem of problems) {
    const field = form.querySelector(`.field[data-key="${CSS.escape(problem.key)}"]`);
    if (!field) {
      unplaced.push(problem.key ? `${problem.key}: ${problem.message}` : problem.message);
      continue;
    }
    field.classList.add("invalid");
    field.querySelector(".error").textContent = problem.message;
    field.querySelector("input, select, textarea").setAttribute("aria-invalid", "true");
  }
  general.textContent = unplaced.join("\n");
}

function clear(form, general) {
  for (const field of form.querySelectorAll(".field")) {
    field.classList.remove("invalid");
    field.querySelector(".error").textContent = "";
    field.querySelector("input, select, textarea").removeAttribute("aria-invalid");
  }
  general.textContent = "";
}

async function submit(template, form, message, general) {
  const values = {};
  for (const field of form.querySelectorAll("input, select, textarea")) values[field.name] = field.value;
  clear(form, general);
  message.className = "message";
  message.textContent = "Applying…";
  try {
    const response = await fetch(`${api}/apply/${template.name}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ values }),
    });
    const result = await response.json();
    if (response.ok) {
      message.className = "message ok";
      message.textContent = "Applied: the template now runs with these settings.";
      const status = document.getElementById(`${template.name}-status`);
      status.className = "status running";
      status.textContent = `Running at /${template.name}/ · ${template.name} ${template.version}`;
      for (const field of form.querySelectorAll("input[type=password]")) {
        if (field.value) {
          field.value = "";
          field.placeholder = "(set; leave empty to keep it)";
        }
      }
    } else {
      message.className = "message bad";
      message.textContent = result.problems ? `Not applied: ${result.problems.length} problem(s) below.` : result.error;
      if (result.problems) show(template, form, result.problems, general);
      const first = form.querySelector(".field.invalid input, .field.invalid select, .field.invalid textarea");
      if (first) first.focus();
    }
  } catch (error) {
    message.className = "message bad";
    message.textContent = `Not applied: ${error}`;
  }
}

// "Try it" forms: each one talks to the running template under /<name>/.

function tryForm(template) {
  const form = template.tryForm;
  if (!form) return null;
  if (form.kind === "upload") return uploadForm(template);
  if (form.kind === "image") return imageForm(template, form);
  if (form.kind === "page") return pageForm(template, form);
  return null;
}

function select(id, label, options, chosen) {
  const node = el("select", { id, name: id });
  for (const [value, text] of options) node.append(el("option", { value, text, selected: value === chosen }));
  return el("div", { class: "field" }, el("label", { for: id, text: label }), node);
}

function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} bytes)`;
}

function facts(pairs) {
  const list = el("dl", { class: "facts" });
  for (const [name, value] of pairs) list.append(el("dt", { text: name }), el("dd", {}, el("code", { text: String(value) })));
  return list;
}

// The answer of a request that failed: the component's JSON error, else its text.
async function failure(response) {
  const text = await response.text();
  let message = text.trim();
  try {
    message = JSON.parse(text).error ?? message;
  } catch {
    // not JSON: keep the text
  }
  return `${response.status} ${response.statusText}${message ? `: ${message}` : ""}`;
}

function uploadForm(template) {
  const id = `${template.name}--try`;
  const form = el("form", { class: "try-form", id, "aria-label": `Try ${template.title}: upload a file` });
  const file = el("input", { type: "file", id: `${id}-file`, name: "file", "aria-describedby": `${id}-hint` });
  const result = el("div", { class: "result", id: `${id}-result`, role: "status" });
  form.append(
    el("div", { class: "field" },
      el("label", { for: file.id, text: "File to upload" }),
      el("p", { class: "hint", id: `${id}-hint`, text: "Sent as a form upload; its name becomes the key unless the settings say otherwise." }),
      file),
    el("div", { class: "actions" }, el("button", { type: "submit", text: "Upload" })),
    result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!file.files.length) {
      result.className = "result bad";
      result.textContent = "Choose a file first.";
      file.focus();
      return;
    }
    const body = new FormData();
    body.append("file", file.files[0]);
    result.className = "result";
    result.textContent = "Uploading…";
    try {
      const response = await fetch(`/${template.name}/`, { method: "POST", body });
      if (!response.ok) {
        result.className = "result bad";
        result.textContent = `Not stored: ${await failure(response)}`;
        return;
      }
      const stored = await response.json();
      result.className = "result ok";
      result.replaceChildren(
        el("p", { text: "Stored." }),
        facts([["Key", stored.key], ["Size", sizeText(stored.size)], ["SHA-256", stored.sha256], ["ETag", stored.etag]]));
    } catch (error) {
      result.className = "result bad";
      result.textContent = `Not stored: ${error}`;
    }
  });
  return form;
}

function imageForm(template, spec) {
  const id = `${template.name}--try`;
  const form = el("form", { class: "try-form", id, "aria-label": `Try ${template.title}: resize an image` });
  const result = el("div", { class: "result", id: `${id}-result`, role: "status" });
  form.append(
    el("div", { class: "row" },
      select(`${id}-image`, "Source image", spec.images.map((path) => [path, path.slice(1)]), spec.images[0]),
      select(`${id}-width`, "Width (px)", spec.widths.map((w) => [String(w), String(w)]), String(spec.widths[2] ?? spec.widths[0])),
      select(`${id}-format`, "Format", spec.formats.map((f) => [f, f]), spec.formats[0])),
    el("div", { class: "actions" }, el("button", { type: "submit", text: "Resize" })),
    result);
  let shown = null;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (name) => form.querySelector(`#${id}-${name}`).value;
    const query = new URLSearchParams({ w: value("width"), format: value("format") });
    const url = `/${template.name}${value("image")}?${query}`;
    result.className = "result";
    result.textContent = "Resizing…";
    try {
      const response = await fetch(url);
      if (!response.ok) {
        result.className = "result bad";
        result.textContent = `Not resized: ${await failure(response)}`;
        return;
      }
      const blob = await response.blob();
      if (shown) URL.revokeObjectURL(shown);
      shown = URL.createObjectURL(blob);
      const image = el("img", { id: `${id}-image-result`, src: shown, alt: `${value("image").slice(1)} resized to ${value("width")} px wide` });
      const size = el("p", { id: `${id}-size`, text: "Loading…" });
      image.addEventListener("load", () => {
        size.textContent = `${image.naturalWidth} × ${image.naturalHeight} px, ${blob.type || "unknown type"}, ${sizeText(blob.size)}`;
      });
      image.addEventListener("error", () => {
        size.textContent = `The browser cannot show this ${blob.type || "file"} (${sizeText(blob.size)}).`;
      });
      result.className = "result ok";
      result.replaceChildren(size, el("p", {}, el("a", { href: url, target: "_blank", rel: "noopener", text: url })), image);
    } catch (error) {
      result.className = "result bad";
      result.textContent = `Not resized: ${error}`;
    }
  });
  return form;
}

function pageForm(template, spec) {
  const id = `${template.name}--try`;
  const form = el("form", { class: "try-form", id, "aria-label": `Try ${template.title}: open a page` });
  const result = el("div", { class: "result", id: `${id}-result` });
  form.append(
    select(`${id}-page`, "Page", spec.pages.map((page) => [page, page]), spec.pages[0]),
    el("div", { class: "actions" }, el("button", { type: "submit", text: "Open" })),
    result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = `/${template.name}/${form.querySelector(`#${id}-page`).value}`;
    // Sandboxed: the page is shown, its scripts (if any got through) do not run.
    const frame = el("iframe", { id: `${id}-frame`, src: url, title: `${url}, as the template renders it`, sandbox: "" });
    result.replaceChildren(el("p", {}, el("a", { href: url, target: "_blank", rel: "noopener", text: `Open ${url} in a new tab` })), frame);
  });
  return form;
}

async function load() {
  const main = document.getElementById("templates");
  const toc = document.getElementById("toc");
  try {
    const { templates } = await (await fetch(`${api}/templates`)).json();
    main.replaceChildren(...templates.map(render));
    toc.replaceChildren(...templates.map((t) => el("a", { href: `#${t.name}`, text: t.title })));
    if (!templates.length) main.replaceChildren(el("p", { text: "No templates found." }));
  } catch (error) {
    main.replaceChildren(el("p", { class: "error", text: `Cannot load the templates: ${error}` }));
  }
}

load();
