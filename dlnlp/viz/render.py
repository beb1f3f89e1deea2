"""Show a plotly figure the same way in JupyterLab, Colab and the static website.

A notebook output carries two copies of the figure:

* ``application/vnd.plotly.v1+json`` -- JupyterLab draws it with the plotly
  extension that ships inside the ``plotly`` package;
* ``text/html`` -- a ``<div>`` and a script that calls ``Plotly.newPlot``.  The
  website serves plotly.js itself (copied from the ``plotly`` package at build
  time), so the script finds ``window.Plotly`` and needs no network; Colab has
  no plotly.js, so there the script first loads it from plotly's CDN.

Everything a figure does -- hover, dropdowns, sliders -- is plotly.js acting on
the figure's JSON, so it keeps working on a static page with no kernel.
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
  function draw() {{ window.Plotly.newPlot("{id}", spec.data, spec.layout, spec.config); }}
  if (window.Plotly) {{ draw(); return; }}
  var s = document.createElement("script");
  s.src = "https://cdn.plot.ly/plotly-{version}.min.js";
  s.onload = draw;
  document.head.appendChild(s);
}})();
</script>"""


class Interactive:
    """A plotly figure that renders in every front end; ``.figure`` is the ``go.Figure``."""

    def __init__(self, figure: go.Figure):
        self.figure = figure

    def to_html(self) -> str:
        """The ``<div>`` + ``<script>`` snippet that draws the figure (page plotly.js or CDN)."""
        config = {"responsive": True, "displaylogo": False}
        spec = dict(self.figure.to_plotly_json(), config=config)
        # "</" inside a <script> would end it early; "<\/" means the same to JSON.
        spec_json = json.dumps(spec, cls=PlotlyJSONEncoder).replace("</", "<\\/")
        return _HTML.format(
            id=f"dlnlp-{uuid.uuid4().hex[:12]}",
            height=int(self.figure.layout.height or 500),
            spec=spec_json,
            version=get_plotlyjs_version(),
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "application/vnd.plotly.v1+json": self.figure.to_plotly_json(),
            "text/html": self.to_html(),
        }
