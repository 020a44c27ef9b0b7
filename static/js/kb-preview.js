// Article editor: render the preview in place (the "Preview" button works without this file).
// The server renders through the publishing renderer and sanitizer, so its HTML is safe to insert.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("button[data-preview-url]");
  const body = document.getElementById("body");
  const target = document.getElementById("kb-preview");
  if (!button || !body || !target) return;
  const form = button.form;
  let timer = null;

  async function refresh() {
    const data = new FormData();
    data.append("csrf_token", form.elements.csrf_token.value);
    data.append("body", body.value);
    const response = await fetch(button.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" });
    if (!response.ok) return;
    target.innerHTML = await response.text();
  }

  button.addEventListener("click", (event) => {
    event.preventDefault();
    refresh();
  });
  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });
});
