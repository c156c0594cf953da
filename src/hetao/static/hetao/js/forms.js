// Conditional questions: a field marked data-show-if="other" data-show-value="v" is shown only while the
// field named "other" has the value v. Without JavaScript every question stays visible (and the server
// ignores answers to questions whose condition does not hold).
(function () {
  "use strict";
  function value(form, name) {
    const inputs = form.querySelectorAll(`[name="${name}"]`);
    const values = [];
    inputs.forEach((input) => {
      if ((input.type === "radio" || input.type === "checkbox")) { if (input.checked) values.push(input.value); }
      else values.push(input.value);
    });
    return values;
  }
  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach((field) => {
      const shown = value(form, field.dataset.showIf).includes(field.dataset.showValue);
      const box = field.closest(".mb-3") || field;
      box.hidden = !shown;
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form#application-form").forEach((form) => {
      update(form);
      form.addEventListener("change", () => update(form));
    });
  });
})();
