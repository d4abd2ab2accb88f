// Show a service-form field only when the field it depends on has the given value.
// Progressive enhancement: without JavaScript every field shows, and the server applies the same rule.
(() => {
  function valueOf(form, name) {
    const inputs = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
    for (const input of inputs) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { return input.value; }
      } else {
        return input.value.trim();
      }
    }
    return "";
  }

  function sync(form) {
    // In page order, so a field hidden by its own condition also hides the fields that depend on it.
    const hidden = new Set();
    form.querySelectorAll("[data-show-when]").forEach((wrapper) => {
      const source = wrapper.dataset.showWhen;
      const shown = !hidden.has(source) && valueOf(form, source) === wrapper.dataset.showValue;
      wrapper.hidden = !shown;
      if (!shown) { hidden.add(wrapper.dataset.field); }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-conditions]").forEach((form) => {
      sync(form);
      form.addEventListener("input", () => sync(form));
      form.addEventListener("change", () => sync(form));
    });
  });
})();
