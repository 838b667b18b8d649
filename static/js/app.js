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
