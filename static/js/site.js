// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // Schedule form: "全支部 / 支部委员会 / 党小组" buttons tick the matching invitees.
    var picker = document.querySelector("[data-quick-pick]");
    var invitees = document.querySelector("[data-invitees]");
    if (picker && invitees) {
      picker.hidden = false;
      picker.querySelectorAll("[data-pick]").forEach(function (button) {
        button.addEventListener("click", function () {
          var ids = button.getAttribute("data-pick").split(",").filter(Boolean);
          invitees.querySelectorAll("input[type=checkbox]").forEach(function (box) {
            box.checked = ids.indexOf(box.value) !== -1;
          });
        });
      });
    }
    // Typing is activity: while someone writes minutes for an hour, the session must not
    // time out under them (the server ends idle sessions). At most one ping every 5 minutes.
    var alive = document.body.getAttribute("data-alive-url");
    if (alive && window.fetch) {
      var last = Date.now();
      document.addEventListener("input", function () {
        if (Date.now() - last < 5 * 60 * 1000) { return; }
        last = Date.now();
        window.fetch(alive, {credentials: "same-origin", cache: "no-store"});
      });
    }
    // Forms that change someone's standing ask once before they go.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });
  });
})();
