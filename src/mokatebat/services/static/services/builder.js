// Form builder: show only the settings that apply to the chosen field type.
// Without JavaScript every setting shows and the server ignores those that do not apply.
(() => {
  function sync(form) {
    const type = form.querySelector("[name=type]");
    if (!type) { return; }
    form.querySelectorAll("[data-for-type]").forEach((block) => {
      block.hidden = block.dataset.forType !== type.value;
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-field-builder]").forEach((form) => {
      sync(form);
      form.addEventListener("change", () => sync(form));
    });
  });
})();
