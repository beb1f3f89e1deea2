"""Show a plotly figure the same way in JupyterLab, Colab and the static website.

A notebook output carries the figure as

* ``text/html`` -- a ``<div>`` and a script that calls ``Plotly.newPlot``.  The
  website serves plotly.js itself (copied from the ``plotly`` package at build
  time), so the script finds ``window.Plotly`` and needs no network; where the
  page has no plotly.js (Colab, whose every output is a frame of its own, and
  JupyterLab) the script first loads it from plotly's CDN;
* ``application/vnd.plotly.v1+json`` -- for a plain figure only: JupyterLab
  prefers it and draws it with the plotly extension that ships inside the
  ``plotly`` package, offline.  A figure with a script of its own leaves it out,
  since that extension would draw the figure without running the script.

Everything a figure does -- hover, dropdowns, sliders, and the optional script --
is JavaScript acting on data in the output, so it keeps working on a static page
with no kernel.
"""

from __future__ import annotations

import json
import uuid

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs_version
from plotly.utils import PlotlyJSONEncoder

_HTML = """<div id="{id}" class="plotly-graph-div dlnlp-figure" style="height:{height}px"></div>
<script type="text/javascript">
(function () {{
  var spec = {spec};
{state}  function draw() {{
    window.Plotly.newPlot("{id}", spec.data, spec.layout, spec.config){then};
  }}
  if (window.Plotly) {{ draw(); return; }}
  var s = document.createElement("script");
  s.src = "https://cdn.plot.ly/plotly-{version}.min.js";
  s.onload = draw;
  s.onerror = function () {{
    document.getElementById("{id}").textContent = "This figure needs plotly.js, which could " +
      "not be loaded from " + s.src + " (no network?).";
  }};
  document.head.appendChild(s);
}})();
</script>"""


def _script_safe(text: str) -> str:
    """JSON or JavaScript with "</" written "<\\/": inside a <script>, "</" could end it early."""
    return text.replace("</", "<\\/")


class Interactive:
    """A plotly figure that renders in every front end; ``.figure`` is the ``go.Figure``.

    Args:
        figure: the figure; its JSON goes into the output.
        script: optional JavaScript source of a function ``(gd, state) => void``, run once
            plotly.js has drawn the figure: ``gd`` is the figure's ``<div>`` (controls may be
            put beside it), ``state`` is ``state`` below.  It runs on the static site too.
        state: JSON-able data for ``script``.
    """

    def __init__(self, figure: go.Figure, *, script: str | None = None, state=None):
        self.figure = figure
        self.script = script
        self.state = state

    def to_html(self) -> str:
        """The ``<div>`` + ``<script>`` snippet that draws the figure (page plotly.js or CDN)."""
        config = {"responsive": True, "displaylogo": False}
        spec = dict(self.figure.to_plotly_json(), config=config)
        state, then = "", ""
        if self.script is not None:
            state = f"  var state = {_script_safe(json.dumps(self.state))};\n"
            then = f".then(function (gd) {{ ({_script_safe(self.script)})(gd, state); }})"
        return _HTML.format(
            id=f"dlnlp-{uuid.uuid4().hex[:12]}",
            height=int(self.figure.layout.height or 500),
            spec=_script_safe(json.dumps(spec, cls=PlotlyJSONEncoder)),
            state=state,
            then=then,
            version=get_plotlyjs_version(),
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.to_html()}
        if self.script is None:
            bundle["application/vnd.plotly.v1+json"] = self.figure.to_plotly_json()
        return bundle
