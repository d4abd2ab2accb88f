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
