/*
 * tutoria-cms: what Wagtail 8's inline <script>s did, without inline scripts, so that the
 * admin runs under a Content-Security-Policy whose script-src has no 'unsafe-inline'.
 *
 * The suite's overrides of wagtailadmin/panels/inline_panel.html,
 * multiple_chooser_panel.html and widgets/date_input.html, time_input.html,
 * datetime_input.html (and core/csp_widgets.py, for Wagtail's chooser widgets) write <span hidden data-tutoria-init="NAME" data-tutoria-options="JSON"
 * [data-tutoria-target="ID"]> instead. This file runs them once the page is parsed, and again
 * for markers added later (an inline panel's new child, a modal's form).
 */
(function () {
  'use strict';

  var PANELS = { InlinePanel: true, MultipleChooserPanel: true };
  var CHOOSERS = { initDateChooser: true, initTimeChooser: true, initDateTimeChooser: true };

  function run(marker) {
    var name = marker.getAttribute('data-tutoria-init');
    var options = JSON.parse(marker.getAttribute('data-tutoria-options') || 'null');
    marker.removeAttribute('data-tutoria-init'); // once
    if (PANELS[name] && typeof window[name] === 'function') {
      new window[name](options); // eslint-disable-line no-new
    } else if (CHOOSERS[name] && typeof window[name] === 'function') {
      window[name](marker.getAttribute('data-tutoria-target'), options);
    } else if (name === 'chooser') {
      // Wagtail's chooser widgets (core/csp_widgets.py): new DocumentChooser(id, options).
      var Constructor = marker
        .getAttribute('data-tutoria-constructor')
        .split('.')
        .reduce(function (owner, key) {
          return owner ? owner[key] : undefined;
        }, window);
      if (typeof Constructor === 'function') {
        new Constructor(marker.getAttribute('data-tutoria-target'), options); // eslint-disable-line no-new
      }
    }
  }

  function runAll(root) {
    if (root.nodeType !== 1) return;
    if (root.hasAttribute('data-tutoria-init')) run(root);
    root.querySelectorAll('[data-tutoria-init]').forEach(run);
  }

  function start() {
    runAll(document.documentElement);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(runAll);
      });
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
