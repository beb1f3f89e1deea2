/* The word-space explorer's page side (see word_space.py), run by the browser alone.

   The reader types words, which join the figure as one more group, and chooses the words whose
   principal components the figure is projected on; both use the word vectors the page carries.
   This file is one expression: attach(gd, state), which render.Interactive calls once plotly.js
   has drawn the figure. attach.decode, attach.pca, attach.project and attach.nearest are there
   for the tests. Never write a less-than sign followed by a slash in this file: inlined into the
   page, that would end the script element early. */
(function () {
  "use strict";

  function fromBase64(text) {
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  // The page's vectors: N words, each a row of k int8 numbers times one float32 scale.
  // Returns {words, row: word -> row index, k, Z: Float64Array (N * k), row-major}.
  function decode(state) {
    var q = new Int8Array(fromBase64(state.vectors).buffer);
    var scales = new Float32Array(fromBase64(state.scales).buffer);
    var n = state.words.length, k = state.dim;
    var Z = new Float64Array(n * k);
    for (var i = 0; i < n; i++) {
      for (var j = 0; j < k; j++) Z[i * k + j] = q[i * k + j] * scales[i];
    }
    var row = new Map();
    state.words.forEach(function (w, i) { row.set(w, i); });
    return { words: state.words, row: row, k: k, Z: Z, norms: null };
  }

  function vector(page, r) {
    return page.Z.subarray(r * page.k, (r + 1) * page.k);
  }

  function dot(a, b) {
    var s = 0;
    for (var i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  // Eigenvalues and eigenvectors (the columns of V) of the symmetric n x n matrix A, row-major,
  // by cyclic Jacobi rotations; A is overwritten.
  function symmetricEigen(A, n) {
    var V = new Float64Array(n * n);
    var p, q, r;
    for (p = 0; p < n; p++) V[p * n + p] = 1;
    for (var sweep = 0; sweep < 50; sweep++) {
      var off = 0, total = 0;
      for (p = 0; p < n * n; p++) total += A[p] * A[p];
      for (p = 0; p < n; p++) off += A[p * n + p] * A[p * n + p];
      off = total - off;
      if (off <= 1e-28 * total) break;
      for (p = 0; p < n - 1; p++) {
        for (q = p + 1; q < n; q++) {
          var apq = A[p * n + q];
          if (apq === 0) continue;
          // the rotation J (J_pp = J_qq = c, J_pq = s, J_qp = -s) that zeroes A_pq in J'AJ
          var theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
          var t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          var c = 1 / Math.sqrt(t * t + 1), s = t * c;
          for (r = 0; r < n; r++) {
            var arp = A[r * n + p], arq = A[r * n + q];
            A[r * n + p] = c * arp - s * arq;
            A[r * n + q] = s * arp + c * arq;
          }
          for (r = 0; r < n; r++) {
            var apr = A[p * n + r], aqr = A[q * n + r];
            A[p * n + r] = c * apr - s * aqr;
            A[q * n + r] = s * apr + c * aqr;
          }
          for (r = 0; r < n; r++) {
            var vrp = V[r * n + p], vrq = V[r * n + q];
            V[r * n + p] = c * vrp - s * vrq;
            V[r * n + q] = s * vrp + c * vrq;
          }
        }
      }
    }
    var values = new Float64Array(n);
    for (p = 0; p < n; p++) values[p] = A[p * n + p];
    return { values: values, V: V };
  }

  // The top `dims` principal axes of the page's rows `rows` (at least dims + 1 of them).
  // Returns a basis {axes: dims arrays of k numbers, offset, explained}: a word's coordinate j
  // is z . axes[j] + offset[j]; explained[j] is the fraction of variance along axis j. Signs
  // follow numpy's pca in word_space.py: the chosen word farthest out on an axis is positive.
  function pca(page, rows, dims) {
    var n = rows.length, k = page.k, i, j, a;
    var mean = new Float64Array(k);
    rows.forEach(function (r) {
      var z = vector(page, r);
      for (var a = 0; a < k; a++) mean[a] += z[a] / n;
    });
    var Y = rows.map(function (r) {
      var z = vector(page, r), y = new Float64Array(k);
      for (var a = 0; a < k; a++) y[a] = z[a] - mean[a];
      return y;
    });
    // the smaller of the Gram matrix Y Y' (n x n) and the scatter matrix Y'Y (k x k)
    var gram = n <= k, m = gram ? n : k;
    var M = new Float64Array(m * m);
    for (i = 0; i < m; i++) {
      for (j = i; j < m; j++) {
        var s = 0;
        if (gram) s = dot(Y[i], Y[j]);
        else for (var t = 0; t < n; t++) s += Y[t][i] * Y[t][j];
        M[i * m + j] = M[j * m + i] = s;
      }
    }
    var eig = symmetricEigen(M, m);
    var order = Array.from(eig.values.keys()).sort(function (x, y) {
      return eig.values[y] - eig.values[x];
    });
    var total = eig.values.reduce(function (sum, v) { return sum + Math.max(v, 0); }, 0);
    var basis = { axes: [], offset: [], explained: [] };
    for (j = 0; j < dims; j++) {
      var col = order[j], axis = new Float64Array(k);
      if (gram) {  // the axis is Y'u, normalised
        for (i = 0; i < n; i++) {
          for (a = 0; a < k; a++) axis[a] += Y[i][a] * eig.V[i * m + col];
        }
        var norm = Math.sqrt(dot(axis, axis));
        for (a = 0; a < k && norm > 0; a++) axis[a] /= norm;
      } else {
        for (a = 0; a < k; a++) axis[a] = eig.V[a * m + col];
      }
      var farthest = 0;
      for (i = 0; i < n; i++) {
        var c = dot(Y[i], axis);
        if (Math.abs(c) > Math.abs(farthest)) farthest = c;
      }
      if (farthest < 0) for (a = 0; a < k; a++) axis[a] = -axis[a];
      basis.axes.push(Array.from(axis));
      basis.offset.push(-dot(mean, axis));
      basis.explained.push(total > 0 ? Math.max(eig.values[col], 0) / total : 0);
    }
    return basis;
  }

  // The coordinates of the page's row r in a basis: [x, y] or [x, y, z].
  function project(page, basis, r) {
    var z = vector(page, r);
    return basis.axes.map(function (axis, j) { return dot(z, axis) + basis.offset[j]; });
  }

  // The `count` words of the page nearest to row r by cosine, nearest first.
  function nearest(page, r, count) {
    var n = page.words.length, i;
    if (page.norms === null) {
      page.norms = new Float64Array(n);
      for (i = 0; i < n; i++) page.norms[i] = Math.sqrt(dot(vector(page, i), vector(page, i)));
    }
    var z = vector(page, r), cosines = [];
    for (i = 0; i < n; i++) {
      var length = page.norms[i] * page.norms[r] || 1;  // a zero vector is close to nothing
      if (i !== r) cosines.push([dot(z, vector(page, i)) / length, i]);
    }
    cosines.sort(function (x, y) { return y[0] - x[0]; });
    return cosines.slice(0, count).map(function (pair) { return page.words[pair[1]]; });
  }

  function element(tag, properties, style) {
    var el = document.createElement(tag);
    Object.assign(el, properties || {});
    Object.assign(el.style, style || {});
    return el;
  }

  // The text box, the "project on" choice and the message line, put above the figure.
  function controls(gd, state) {
    var bar = element("div", { className: "dlnlp-word-space-controls" }, {
      display: "flex", flexWrap: "wrap", alignItems: "center", gap: "0.4em 0.8em",
      margin: "0.3em 0", fontSize: "0.9em",
    });
    var typed = element("input", {
      type: "text", className: "dlnlp-typed", size: 34,
      placeholder: "type words or arrows: king, queen, man>woman",
    });
    typed.setAttribute("aria-label",
      "words to add to the figure, separated by commas; a>b draws an arrow from a to b");
    var draw = element("button", { type: "button", className: "dlnlp-draw", textContent: "draw" });
    var choice = element("select", { className: "dlnlp-project" });
    choice.add(new Option("all groups", "all"));
    state.groups.forEach(function (group, i) { choice.add(new Option(group[0], String(i))); });
    choice.add(new Option("typed words", "typed"));
    var label = element("label", { textContent: "project on " });
    label.appendChild(choice);
    var message = element("span", { className: "dlnlp-message" }, { color: "#b00020" });
    message.setAttribute("role", "status");
    [typed, draw, label, message].forEach(function (el) { bar.appendChild(el); });
    gd.parentNode.insertBefore(bar, gd);
    return { typed: typed, draw: draw, choice: choice, message: message };
  }

  function attach(gd, state) {
    var page = decode(state), dims = state.dims, nGroups = state.groups.length;
    var shown = gd.data.length;  // groups, then (3-D) one line per arrow; typed words come last
    // the figure as Python drew it: its coordinates are kept for "all groups"
    var drawn = new Map();
    gd.data.slice(0, nGroups).forEach(function (t) {
      t.text.forEach(function (w, i) {
        drawn.set(w, [t.x[i], t.y[i], t.z ? t.z[i] : 0].slice(0, dims));
      });
    });
    var axisKeys = dims === 2 ? ["xaxis", "yaxis"] : ["xaxis", "yaxis", "zaxis"];
    var axisParent = function (layout) { return dims === 2 ? layout : layout.scene; };
    var titles = axisKeys.map(function (key) { return axisParent(gd.layout)[key].title.text; });
    var menus = JSON.parse(JSON.stringify(gd.layout.updatemenus || []));
    var ui = controls(gd, state);

    function redraw() {
      var found = [], missing = [], notes = [], typedArrows = [];
      var lookUp = function (w) {
        var hit = page.row.has(w) ? w : page.row.has(w.toLowerCase()) ? w.toLowerCase() : null;
        if (hit === null) missing.push(w);
        else if (found.indexOf(hit) < 0) found.push(hit);
        return hit;
      };
      ui.typed.value.split(/[\s,]+/).filter(Boolean).forEach(function (token) {
        var ends = token.split(/-?>/);  // "a>b" (or "a->b"): an arrow from a to b
        if (ends.length === 2 && ends[0] && ends[1]) {
          var a = lookUp(ends[0]), b = lookUp(ends[1]);
          if (a !== null && b !== null) typedArrows.push([a, b]);
        } else {
          lookUp(token);
        }
      });
      if (missing.length) {
        notes.push("not among the " + page.words.length.toLocaleString("en") +
                   " words this page carries: " + missing.join(", "));
      }
      var basis = null, name = "";
      if (ui.choice.value === "typed" && found.length <= dims) {
        notes.push("type at least " + (dims + 1) + " known words to project on them");
      } else if (ui.choice.value !== "all") {
        var group = ui.choice.value === "typed" ? ["typed words", found]
                                                : state.groups[+ui.choice.value];
        name = group[0];
        basis = pca(page, group[1].map(function (w) { return page.row.get(w); }), dims);
      }
      ui.message.textContent = notes.join("; ");
      var where = function (w) {
        if (basis === null && drawn.has(w)) return drawn.get(w);
        return project(page, basis || state.basis, page.row.get(w));
      };
      var place = function (trace, words) {
        var xyz = words.map(where), copy = Object.assign({}, trace);
        ["x", "y", "z"].slice(0, dims).forEach(function (key, j) {
          copy[key] = xyz.map(function (p) { return p[j]; });
        });
        return copy;
      };
      var data = gd.data.slice(0, shown).map(function (t, i) {
        return place(t, i < nGroups ? t.text : state.arrows[i - nGroups]);
      });
      var added = 0;  // traces after the figure's own: typed words, then (3-D) typed arrows
      if (found.length) {
        added += 1;
        data.push(place({
          type: dims === 2 ? "scatter" : "scatter3d", name: "typed words", text: found,
          mode: "markers+text", textposition: "top center", marker: { symbol: "diamond" },
          hoverinfo: "text", hovertext: found.map(function (w) {
            return "<b>" + w + "<\/b><br>nearest of the page's words: " +
                   nearest(page, page.row.get(w), state.neighbours).join(", ");
          }),
        }, found));
      }
      if (dims === 3) {  // plotly has no 3-D arrows: a line per pair, as Python draws them
        typedArrows.forEach(function (pair) {
          added += 1;
          data.push(place({
            type: "scatter3d", mode: "lines", name: pair[0] + " \u2192 " + pair[1],
            line: { color: "grey" }, hoverinfo: "name",
          }, pair));
        });
      }
      var layout = Object.assign({}, gd.layout);
      var parent = dims === 2 ? layout : (layout.scene = Object.assign({}, layout.scene));
      axisKeys.forEach(function (key, j) {
        var text = basis === null ? titles[j] : "PC" + (j + 1) + " of " + name +
          " (" + Math.round(100 * basis.explained[j]) + "% of variance)";
        parent[key] = Object.assign({}, parent[key], { title: { text: text }, autorange: true });
      });
      var arrows = dims === 2 ? state.arrows.concat(typedArrows).map(function (pair) {
        var a = where(pair[0]), b = where(pair[1]);
        return Object.assign({}, state.arrow, { ax: a[0], ay: a[1], x: b[0], y: b[1] });
      }) : [];
      // the arrows stay off when the reader switched them off
      var off = state.arrows.length > 0 && !(gd.layout.annotations || []).length;
      if (dims === 2 && !off) layout.annotations = arrows;
      layout.updatemenus = menus.map(function (menu) {
        var copy = JSON.parse(JSON.stringify(menu));
        var now = gd.layout.updatemenus.find(function (m) { return m.name === menu.name; });
        copy.active = now && now.active;  // the dropdown keeps showing the reader's choice
        copy.buttons.forEach(function (button) {
          var args = button.args[0];
          if (args.visible) args.visible = args.visible.concat(Array(added).fill(true));
          if (args.annotations && args.annotations.length) args.annotations = arrows;
        });
        return copy;
      });
      return window.Plotly.react(gd, data, layout);
    }

    // Enter draws; no key reaches the notebook around the output (JupyterLab's shortcuts)
    ["keydown", "keypress", "keyup"].forEach(function (type) {
      ui.typed.addEventListener(type, function (event) {
        event.stopPropagation();
        if (type === "keydown" && event.key === "Enter") redraw();
      });
    });
    ui.typed.addEventListener("change", redraw);
    ui.draw.addEventListener("click", redraw);
    ui.choice.addEventListener("change", redraw);
  }

  attach.decode = decode;
  attach.pca = pca;
  attach.project = project;
  attach.nearest = nearest;
  return attach;
})()
