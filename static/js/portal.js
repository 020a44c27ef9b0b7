// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select.js-autosubmit")) {
    select.addEventListener("change", () => select.form.submit());
  }
  for (const el of document.querySelectorAll(".js-hide")) {
    el.classList.add("visually-hidden");
  }
});
