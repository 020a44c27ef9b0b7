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

// Request form: suggest articles while the customer types the subject (debounced).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("suggestions");
  const subject = document.getElementById("subject");
  if (!box || !subject) return;
  let timer = null;
  let last = "";
  subject.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = subject.value.trim();
      if (q.length < 3 || q === last) return;
      last = q;
      const response = await fetch(`${box.dataset.url}?q=${encodeURIComponent(q)}`, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const { articles } = await response.json();
      box.replaceChildren();
      if (!articles.length) { box.hidden = true; return; }
      const title = document.createElement("strong");
      title.textContent = box.dataset.title;
      box.append(title);
      for (const article of articles) {
        const link = document.createElement("a");
        link.href = article.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = article.title;
        const excerpt = document.createElement("p");
        excerpt.textContent = article.excerpt;
        box.append(link, excerpt);
      }
      box.hidden = false;
    }, 300);
  });
});

// "Select all" in a table header: ticks or clears every row checkbox of the same name.
document.addEventListener("change", (event) => {
  const all = event.target.closest("input.js-select-all");
  if (!all) return;
  const table = all.closest("table");
  for (const box of table.querySelectorAll(`input[type=checkbox][name="${all.dataset.name}"]`)) {
    box.checked = all.checked;
  }
});

// Canned responses that are macros also choose the status, priority and tags of the handling form.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select.js-canned");
  if (!select) return;
  const option = select.selectedOptions[0];
  if (!option) return;
  const form = select.form;
  for (const [key, name] of [["status", "status"], ["priority", "priority"], ["tags", "tags"]]) {
    const value = option.dataset[key];
    const input = form && form.elements[name];
    if (value && input && (input.tagName !== "SELECT" || [...input.options].some((o) => o.value === value))) {
      input.value = value;
    }
  }
});

// Article editor: upload an image and insert its Markdown reference at the cursor.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form.js-image-upload");
  if (!form) return;
  const target = document.getElementById(form.dataset.target);
  if (!target) return;
  event.preventDefault();
  const status = form.querySelector(".js-image-upload-status");
  const response = await fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
  const answer = await response.json().catch(() => ({ error: response.statusText }));
  if (status) status.textContent = answer.error || answer.message;
  if (!response.ok || !answer.markdown) return;
  const at = target.selectionStart ?? target.value.length;
  target.setRangeText(`\n${answer.markdown}\n`, at, target.selectionEnd ?? at, "end");
  target.focus();
  form.reset();
});
