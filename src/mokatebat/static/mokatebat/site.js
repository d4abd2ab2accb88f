// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");

// The phone header's menu button folds the site's links away and back.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".menu-toggle");
  if (!toggle) { return; }
  const menu = document.getElementById(toggle.getAttribute("aria-controls"));
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
  menu.classList.toggle("open", open);
});
document.addEventListener("click", (event) => {
  const printButton = event.target.closest("[data-print]");
  if (printButton) { window.print(); }
  const copyButton = event.target.closest("[data-copy]");
  if (copyButton && navigator.clipboard) {
    navigator.clipboard.writeText(copyButton.dataset.copy).then(() => {
      copyButton.textContent = copyButton.dataset.copied || copyButton.textContent;
    });
  }
});

// A second click on a submit button while the first request is on its way does nothing.
// The server is idempotent anyway (form nonce); this just spares a slow connection.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.submitting === "1") { event.preventDefault(); return; }
  form.dataset.submitting = "1";
  form.querySelectorAll("button[type=submit]").forEach((button) => { button.setAttribute("aria-disabled", "true"); });
  window.setTimeout(() => { form.dataset.submitting = ""; }, 15000);
});

// Show the legal-person fields only when the requester is a legal person.
function syncRequesterKind() {
  const legal = document.querySelector("input[name=requester_kind][value=legal]");
  const block = document.getElementById("legal-fields");
  if (!legal || !block) { return; }
  block.hidden = !legal.checked;
}
document.addEventListener("change", (event) => {
  if (event.target.name === "requester_kind") { syncRequesterKind(); }
});
document.addEventListener("DOMContentLoaded", syncRequesterKind);

// After a failed submit, take keyboard and screen-reader focus to the summary of what to fix.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }
});

// Installable on phones (R12): the service worker keeps the shell and an offline page.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => { navigator.serviceWorker.register("/sw.js").catch(() => {}); });
}

// A Jalali date picker on every date field (fields marked data-jdp), opened by a calendar button beside
// the field: typing stays undisturbed (a clerk types faster than they pick), in Persian or Latin digits.
document.addEventListener("DOMContentLoaded", () => {
  const fields = document.querySelectorAll("input[data-jdp]");
  if (!window.jalaliDatepicker || !fields.length) { return; }
  window.jalaliDatepicker.startWatch({ persianDigits: true, time: false, autoShow: false, hideAfterChange: true });
  fields.forEach((field) => {
    const group = document.createElement("div");
    group.className = "input-group";
    field.parentNode.insertBefore(group, field);
    group.appendChild(field);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.textContent = document.documentElement.lang === "fa" ? "تقویم" : "Calendar";
    button.title = (document.documentElement.lang === "fa" ? "انتخاب از تقویم: " : "Pick from a calendar: ") + (field.labels[0] ? field.labels[0].textContent.trim() : "");
    button.addEventListener("click", () => { field.focus(); window.jalaliDatepicker.show(field); });
    group.appendChild(button);
  });
});
// The picker writes Latin digits into the field; show them as Persian like every other date on screen.
const toPersianDigits = (text) => text.replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
["change", "input"].forEach((type) => document.addEventListener(type, (event) => {
  const field = event.target;
  if (field.matches && field.matches("input[data-jdp]") && /[0-9]/.test(field.value)) {
    field.value = toPersianDigits(field.value);
  }
}));

// The response editor's toolbar (correspondence/widgets/letter_textarea.html): wraps the selection in
// the few tags a letter keeps (core/html.py), which the screen and the PDF both draw.
function applyLetterFormat(area, format) {
  const start = area.selectionStart;
  const end = area.selectionEnd;
  const selected = area.value.slice(start, end);
  if (format === "strong" || format === "em") {
    area.setRangeText(`<${format}>${selected}</${format}>`, start, end, "end");
    if (!selected) { area.setSelectionRange(start + format.length + 2, start + format.length + 2); }
  } else {
    const lines = selected.split("\n").map((line) => line.trim()).filter(Boolean);
    const items = (lines.length ? lines : [""]).map((line) => `<li>${line}</li>`).join("\n");
    area.setRangeText(`\n<${format}>\n${items}\n</${format}>\n`, start, end, "end");
    if (!lines.length) { area.setSelectionRange(start + format.length + 7, start + format.length + 7); }
  }
  area.focus();
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-format-for]").forEach((bar) => { bar.hidden = false; });
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-format]");
  const bar = button && button.closest("[data-format-for]");
  const area = bar && document.getElementById(bar.dataset.formatFor);
  if (area) { applyLetterFormat(area, button.dataset.format); }
});
document.addEventListener("keydown", (event) => {
  const area = event.target;
  if (!(event.ctrlKey || event.metaKey) || !area.id || !document.querySelector(`[data-format-for="${area.id}"]`)) { return; }
  // By the key's place, not its letter: on a Persian layout Ctrl+B types «ذ».
  const format = { KeyB: "strong", KeyI: "em" }[event.code];
  if (format) { event.preventDefault(); applyLetterFormat(area, format); }
});
