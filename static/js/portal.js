// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select.js-autosubmit")) {
    select.addEventListener("change", () => select.form.submit());
  }
  for (const el of document.querySelectorAll(".js-hide")) {
    el.classList.add("visually-hidden");
  }
});

// Canned responses: insert the filled-in text into the reply box.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select.js-canned");
  if (!select) return;
  const option = select.selectedOptions[0];
  const target = document.getElementById(select.dataset.target);
  if (option && option.dataset.text && target) {
    target.value = target.value ? `${target.value}\n\n${option.dataset.text}` : option.dataset.text;
    target.focus();
  }
});
