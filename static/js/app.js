// Small behaviours, no inline scripts: select-all checkboxes for bulk actions.
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (!all) return;
  document.querySelectorAll(all.dataset.selectAll).forEach((box) => { box.checked = all.checked; });
});

// Opening a review period: the suggested title follows the kind, the years and the collecting unit, until the
// user writes a title of their own. The patterns come from the server (blueprints/reports/period_forms.py).
document.addEventListener("change", (event) => {
  const form = event.target.closest("[data-period-form]");
  if (!form || event.target.name === "title") return;
  const title = form.elements.title;
  const patterns = JSON.parse(title.dataset.titlePatterns || "{}");
  const owner = form.elements.owner_unit_id;
  // A drop-down names its units in data-name; a type-ahead box (static/js/lookup.js) shows the name of its choice.
  const unit = owner.selectedOptions
    ? owner.selectedOptions[0]?.dataset.name
    : owner.value && form.querySelector("#owner_unit_id-lookup").value;
  const starts = form.elements.starts_on.value;
  const ends = form.elements.ends_on.value;
  const pattern = patterns[form.elements.kind.value];
  if (!pattern || !unit || !starts || !ends) return;
  if (title.value && title.value !== title.dataset.suggested) return;
  const values = {
    half: Number(starts.slice(5, 7)) <= 6 ? "đầu" : "cuối",
    start_year: starts.slice(0, 4),
    year: ends.slice(0, 4),
    unit,
  };
  title.value = pattern.replace(/\{(\w+)\}/g, (_, key) => values[key]);
  title.dataset.suggested = title.value;
});

// A campaign of a user who sees many award forms offers those the chosen unit's campaign may award
// (blueprints/admin/forms.py CampaignForm); when the unit changes, they are asked for again, ticks kept.
document.addEventListener("change", async (event) => {
  const form = event.target.closest("[data-award-forms]");
  if (!form || event.target.name !== "owner_unit_id") return;
  const owner = event.target.value;
  const list = form.querySelector('[data-checkboxes="award_form_ids"]');
  const ticked = new Set([...list.querySelectorAll("input:checked")].map((box) => box.value));
  const url = `${form.dataset.awardForms}?owner=${encodeURIComponent(owner)}`;
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok || form.elements.owner_unit_id.value !== owner) return; // a later choice answers instead
  const { results } = await response.json();
  const items = results.map((choice, index) => {
    const box = document.createElement("input");
    box.type = "checkbox";
    box.className = "form-check-input";
    box.name = "award_form_ids";
    box.id = `award_form_ids-${index}`;
    box.value = String(choice.id);
    box.checked = ticked.has(box.value);
    const label = document.createElement("label");
    label.className = "form-check-label";
    label.htmlFor = box.id;
    label.textContent = choice.label;
    const item = document.createElement("div");
    item.className = "form-check";
    item.append(box, label);
    return item;
  });
  if (!items.length) {
    const empty = document.createElement("div");
    empty.className = "text-body-secondary small";
    empty.textContent = list.dataset.empty;
    items.push(empty);
  }
  list.replaceChildren(...items);
});

// A form whose action cannot be undone (withdrawing a nomination, deleting a file, a bulk action) asks first: its
// data-confirm holds the question.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
