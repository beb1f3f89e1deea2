"""A Sphinx extension that drops repeated <script> entries from every page.

Sphinx 7 lists an inline script twice when an extension adds it after the HTML builder has
started (it re-adds such assets as ``''`` while the first copy is ``None``, so they never compare
equal).  sphinx-thebe's ``const THEBE_JS_URL = ...`` is one of them, and declaring a ``const``
twice is a SyntaxError in the browser.
"""


def _drop_repeats(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _drop_repeats, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
