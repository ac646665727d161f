// depthlab report.html: interactive charts drawn with uPlot from the study's own numbers, embedded
// in the page as JSON (script#dl-data). Nothing is fetched. Two kinds of chart per data set:
// curves (a per-epoch metric, one line per depth: mean over seeds or a single seed, smoothing,
// log scale) where the report had the run folders, and by depth (a per-run value, one line per
// seed and their mean). Click a legend entry to hide or show its line, drag to zoom, double-click
// to zoom out; hovering shows every line's value at the cursor.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dl-data').textContent);
  // Okabe-Ito: told apart by most colour-blind readers too; black last for the mean
  var PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442',
    '#8C564B', '#7F7F7F', '#17BECF'];
  var charts = [];
  window.depthlab = {charts: charts};

  function fmt(v) {
    if (v == null || !isFinite(v)) return '--';
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(4);
  }

  function el(tag, attrs, parent) {
    var e = document.createElement(tag);
    for (var k in attrs) {
      if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]);
    }
    if (parent) parent.appendChild(e);
    return e;
  }

  function select(parent, label, options, onChange) {
    var l = el('label', {}, parent);
    l.appendChild(document.createTextNode(label + ' '));
    var s = el('select', {}, l);
    options.forEach(function (o) { el('option', {value: o[0], text: o[1]}, s); });
    s.addEventListener('change', onChange);
    return s;
  }

  function checkbox(parent, label, onChange) {
    var l = el('label', {}, parent);
    var c = el('input', {type: 'checkbox'}, l);
    l.appendChild(document.createTextNode(' ' + label));
    c.addEventListener('change', onChange);
    return c;
  }

  function mean(values) {
    var s = 0, n = 0;
    for (var i = 0; i < values.length; i++) {
      if (values[i] != null && isFinite(values[i])) { s += values[i]; n++; }
    }
    return n ? s / n : null;
  }

  // exponential moving average as TensorBoard's smoothing slider: weight w on the past, gaps kept
  function smooth(ys, w) {
    if (!(w > 0)) return ys;
    var out = new Array(ys.length), last = null;
    for (var i = 0; i < ys.length; i++) {
      var y = ys[i];
      if (y == null) { out[i] = null; continue; }
      last = last == null ? y : w * last + (1 - w) * y;
      out[i] = last;
    }
    return out;
  }

  function positiveOnly(ys) {
    return ys.map(function (y) { return y != null && y > 0 ? y : null; });
  }

  function width(box) {
    return Math.max(240, Math.floor(box.clientWidth || 320));
  }

  // one uPlot chart that is rebuilt when a control changes, keeping which lines are hidden
  function Chart(box, title, build) {
    this.box = box; this.title = title; this.build = build; this.hidden = {}; this.plot = null;
  }
  Chart.prototype.draw = function () {
    var spec = this.build(), self = this;
    if (this.plot) {
      this.plot.series.forEach(function (s, i) { if (i > 0) self.hidden[s.label] = !s.show; });
      this.plot.destroy();
    }
    var series = [{label: spec.xLabel, value: function (u, v) { return v == null ? '--' : String(v); }}];
    spec.lines.forEach(function (line) {
      series.push({
        label: line.label, stroke: line.color, width: line.width || 1.5,
        dash: line.dash, show: !self.hidden[line.label],
        points: {show: spec.points, size: 6, fill: line.color},
        value: function (u, v) { return fmt(v); }
      });
    });
    var opts = {
      title: this.title, width: width(this.box), height: 300,
      scales: {x: {time: false}, y: spec.log ? {distr: 3} : {}},
      axes: [{label: spec.xLabel, values: spec.xValues,
        splits: spec.xSplits && function () { return spec.xSplits; }}, {label: spec.yLabel, size: 60}],
      series: series,
      cursor: {drag: {x: true, y: false}},
      legend: {live: true}
    };
    this.plot = new uPlot(opts, [spec.x].concat(spec.lines.map(function (l) { return l.ys; })), this.box);
  };

  function curvesChart(parent, set) {
    var c = set.curves, metric = c.metrics[0].key;
    var controls = el('div', {'class': 'dl-controls'}, parent);
    var box = el('div', {'class': 'dl-chart'}, parent);
    var seedOpts = [['mean', 'mean over seeds']].concat(set.seeds.map(function (s, i) {
      return [String(i), 'seed ' + s];
    }));
    var mSel = select(controls, 'metric', c.metrics.map(function (m) { return [m.key, m.label]; }),
      function () { metric = mSel.value; chart.draw(); });
    var sSel = select(controls, 'seeds', seedOpts, function () { chart.draw(); });
    var l = el('label', {}, controls);
    l.appendChild(document.createTextNode('smoothing '));
    var slider = el('input', {type: 'range', min: '0', max: '0.99', step: '0.01', value: '0'}, l);
    var shown = el('output', {text: '0'}, l);
    slider.addEventListener('input', function () { shown.textContent = slider.value; chart.draw(); });
    var logBox = checkbox(controls, 'log scale', function () { chart.draw(); });
    var x = [];
    for (var e = 1; e <= c.epochs; e++) x.push(e);
    var chart = new Chart(box, set.name + ': per epoch', function () {
      var m = c.metrics.filter(function (q) { return q.key === metric; })[0];
      var runs = c.values[metric];
      var lines = set.depths.map(function (d, di) {
        var ys;
        if (sSel.value === 'mean') {
          ys = x.map(function (_, ei) {
            return mean(runs[di].map(function (seedYs) { return seedYs[ei]; }));
          });
        } else {
          ys = runs[di][Number(sSel.value)].slice();
        }
        ys = smooth(ys, Number(slider.value));
        return {label: 'depth ' + d, color: PALETTE[di % PALETTE.length],
          ys: logBox.checked ? positiveOnly(ys) : ys};
      });
      return {x: x, xLabel: 'epoch', yLabel: m.label, lines: lines, log: logBox.checked};
    });
    chart.kind = 'curves';
    charts.push(chart);
    chart.draw();
  }

  function byDepthChart(parent, set) {
    var metric = data.finalMetrics[0].key;
    var controls = el('div', {'class': 'dl-controls'}, parent);
    var box = el('div', {'class': 'dl-chart'}, parent);
    var mSel = select(controls, 'value',
      data.finalMetrics.map(function (m) { return [m.key, m.label]; }),
      function () { metric = mSel.value; chart.draw(); });
    var logBox = checkbox(controls, 'log scale', function () { chart.draw(); });
    // depths at even spacing, labelled by their value: depth 8 is not four times as far as 2
    var x = set.depths.map(function (_, i) { return i; });
    var chart = new Chart(box, set.name + ': per run, by depth', function () {
      var m = data.finalMetrics.filter(function (q) { return q.key === metric; })[0];
      var v = set.final[metric];
      var lines = set.seeds.map(function (s, si) {
        var ys = v.map(function (perSeed) { return perSeed[si]; });
        return {label: 'seed ' + s, color: PALETTE[si % PALETTE.length], width: 1,
          ys: logBox.checked ? positiveOnly(ys) : ys};
      });
      var means = v.map(mean);
      lines.push({label: 'mean', color: '#000000', width: 3,
        ys: logBox.checked ? positiveOnly(means) : means});
      return {x: x, xLabel: 'depth', yLabel: m.label, lines: lines, log: logBox.checked,
        points: true, xSplits: x, xValues: function (u, ticks) {
          return ticks.map(function (t) { return set.depths[t]; });
        }};
    });
    chart.kind = 'by-depth';
    charts.push(chart);
    chart.draw();
  }

  var root = document.getElementById('dl-charts');
  data.sets.forEach(function (set) {
    var sec = el('div', {'class': 'dl-set'}, root);
    el('h3', {text: set.name}, sec);
    if (set.curves) curvesChart(sec, set);
    byDepthChart(sec, set);
  });
  // redrawn at the box's width whenever it changes (a window resize, a scroll bar appearing)
  var pending = null;
  function fit() {
    clearTimeout(pending);
    pending = setTimeout(function () {
      charts.forEach(function (c) {
        if (c.plot.width !== width(c.box)) c.plot.setSize({width: width(c.box), height: 300});
      });
    }, 50);
  }
  if (window.ResizeObserver) {
    var watch = new ResizeObserver(fit);
    charts.forEach(function (c) { watch.observe(c.box); });
  }
  window.addEventListener('resize', fit);
})();
