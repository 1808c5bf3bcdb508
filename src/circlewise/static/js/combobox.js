// A list-autocomplete combobox (WAI-ARIA pattern): the text input has role="combobox" and
// aria-controls naming a role="listbox" that htmx fills with role="option" items from the
// server, each with the address to open in data-href (options hold no links: their content is
// presentational). Arrow keys move the active option (announced through
// aria-activedescendant), Enter or a click opens it, Escape closes the list. Without JavaScript
// the input's form is a plain search that lists links.
(function () {
  "use strict";

  function options(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    return list ? Array.prototype.slice.call(list.querySelectorAll('[role="option"]')) : [];
  }

  function activate(input, items, index) {
    items.forEach(function (item, n) {
      item.setAttribute("aria-selected", n === index ? "true" : "false");
    });
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", items[index].id);
    items[index].scrollIntoView({ block: "nearest" });
  }

  function open(option) {
    var href = option.getAttribute("data-href");
    if (href) window.location.assign(href);
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest('[role="option"][data-href]');
    if (option) open(option);
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('input[role="combobox"]')) return;
    var items = options(input);
    var current = items.findIndex(function (item) {
      return item.getAttribute("aria-selected") === "true";
    });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!items.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      activate(input, items, (current + step + items.length) % items.length);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      open(items[current]);
    } else if (event.key === "Escape") {
      var list = document.getElementById(input.getAttribute("aria-controls"));
      if (list) list.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      activate(input, [], -1);
    }
  });

  // After htmx fills the list, say whether it is open.
  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    var input = document.querySelector('input[role="combobox"][aria-controls="' + list.id + '"]');
    if (!input) return;
    input.setAttribute("aria-expanded", options(input).length ? "true" : "false");
    input.removeAttribute("aria-activedescendant");
  });
})();
