// Small behaviours, no inline scripts: select-all checkboxes for bulk actions.
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (!all) return;
  document.querySelectorAll(all.dataset.selectAll).forEach((box) => { box.checked = all.checked; });
});
