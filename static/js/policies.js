/*
 * Policy search: progressive enhancement only. Without this script the filters work through
 * the "Apply filters" button. With it, changing a select or a checkbox reloads just the
 * results (the page's `results` partial, asked for with the X-Fragment header) and updates
 * the address bar, so the URL stays shareable. A region picker loads the whole page, whose
 * list then offers the places of the region chosen.
 */
(function () {
  "use strict";
  var form = document.getElementById("policy-search");
  var results = document.getElementById("policy-results");
  if (!form || !results || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var pending = null;

  function query() {
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (key) {
      if (params.getAll(key).every(function (value) { return value === ""; })) {
        params.delete(key);
      }
    });
    return params.toString();
  }

  function refresh() {
    var qs = query();
    var url = form.action + (qs ? "?" + qs : "");
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    results.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-Fragment": "results" }, signal: pending.signal })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        results.innerHTML = html;
        results.removeAttribute("aria-busy");
        window.history.replaceState(null, "", url);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          window.location.assign(url);
        }
      });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.form !== form) {
      return;
    }
    if (target.hasAttribute("data-region-picker")) {
      // The region picker offers the places of the region chosen: load the whole page.
      var qs = query();
      window.location.assign(form.action + (qs ? "?" + qs : ""));
      return;
    }
    if (target.tagName === "SELECT" || target.type === "checkbox") {
      refresh();
    }
  });
})();
