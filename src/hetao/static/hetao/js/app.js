// Submit the language switch as soon as a language is chosen (the button stays for keyboard and no-JS use).
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("language-select");
  if (select) select.addEventListener("change", () => select.form.submit());
});
