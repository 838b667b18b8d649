// Type-ahead boxes (the `lookup` macro of templates/_macros.html). As one types, a screenful of matches comes from
// the server (blueprints/admin/lookups.py) in a list under the box; choosing one puts its id in the hidden input
// the form submits, which then fires "change" as a drop-down would. Arrow keys, Enter and Escape work as in a
// native list. No inline script, no innerHTML.
(() => {
  const DELAY_MS = 200;

  function setup(box) {
    const hidden = box.querySelector("input[type=hidden]");
    const input = box.querySelector("[role=combobox]");
    const list = box.querySelector("[role=listbox]");
    const answers = new Map(); // typed text → results, for this page's life
    let choices = [];
    let choicesFor = null; // the text `choices` answer
    let active = -1;
    let timer = null;
    let pending = null;

    const shown = () => list.classList.contains("show");
    // A box showing its chosen value offers everything again; otherwise, what is typed.
    const wanted = () => (hidden.value ? "" : input.value.trim());

    function open(yes) {
      list.classList.toggle("show", yes);
      input.setAttribute("aria-expanded", String(yes));
      if (!yes) highlight(-1);
    }

    function highlight(index) {
      active = index;
      [...list.querySelectorAll("[role=option]")].forEach((item, i) => {
        item.classList.toggle("active", i === index);
        item.setAttribute("aria-selected", String(i === index));
        if (i === index) item.scrollIntoView({ block: "nearest" });
      });
      if (index >= 0) input.setAttribute("aria-activedescendant", `${list.id}-${index}`);
      else input.removeAttribute("aria-activedescendant");
    }

    function option(choice, index) {
      const item = document.createElement("li");
      item.id = `${list.id}-${index}`;
      item.className = "dropdown-item";
      item.setAttribute("role", "option");
      item.textContent = choice.label;
      if (choice.detail) {
        const detail = document.createElement("small");
        detail.className = "d-block text-body-secondary";
        detail.textContent = choice.detail;
        item.append(detail);
      }
      // mousedown, not click: the box keeps its focus and does not clear itself on blur first.
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(index);
      });
      return item;
    }

    function show(results, typed) {
      choices = results;
      choicesFor = typed;
      list.replaceChildren(...results.map(option));
      if (!results.length) {
        const none = document.createElement("li");
        none.className = "dropdown-item-text text-body-secondary";
        none.textContent = "Không tìm thấy.";
        list.append(none);
      }
      open(true);
      highlight(typed && results.length ? 0 : -1); // Enter takes the first match of what was typed
    }

    function choose(index) {
      hidden.value = choices[index].id;
      input.value = choices[index].label;
      open(false);
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }

    async function search() {
      const typed = wanted();
      if (answers.has(typed)) return show(answers.get(typed), typed);
      pending?.abort();
      pending = new AbortController();
      try {
        const url = `${box.dataset.lookup}?q=${encodeURIComponent(typed)}`;
        const response = await fetch(url, { headers: { Accept: "application/json" }, signal: pending.signal });
        if (!response.ok) return;
        const { results } = await response.json();
        answers.set(typed, results);
        if (document.activeElement === input) show(results, typed);
      } catch (error) {
        if (error.name !== "AbortError") open(false);
      }
    }

    input.addEventListener("focus", search);
    input.addEventListener("input", () => {
      hidden.value = ""; // what is typed no longer names the chosen value
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (shown()) highlight(Math.min(active + 1, choices.length - 1));
        else search();
      } else if (event.key === "ArrowUp" && shown()) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && shown() && active >= 0 && choicesFor === wanted()) {
        event.preventDefault(); // choose; the next Enter submits the form
        choose(active);
      } else if (event.key === "Enter" && wanted()) {
        event.preventDefault(); // typed faster than the list came: take the first match once it comes
        clearTimeout(timer);
        const typed = wanted();
        search().then(() => choicesFor === typed && choices.length && choose(0));
      } else if (event.key === "Escape" && shown()) {
        event.preventDefault();
        open(false);
      }
    });
    input.addEventListener("blur", () => {
      clearTimeout(timer);
      open(false);
      if (!hidden.value) input.value = ""; // the box shows what the form will filter by: nothing chosen, nothing
    });
  }

  document.querySelectorAll("[data-lookup]").forEach(setup);
})();
