// Charts and sortable tables of the statistics pages, without any inline script.
//
// A chart is an element [data-chart="ID"] whose spec is a JSON data block
// <script type="application/json" id="ID"> (data blocks are never executed, so a CSP
// without 'unsafe-inline' allows them). The spec is small and the server writes it:
//   {"kind": "combo" | "bar" | "hbar" | "pie", "categories": [...],
//    "series": [{"name", "data": [...], "type": "bar"|"line", "axis": "count"|"rate"}]}
// Rates come in percent (0..100, null where there is no denominator). Every chart has
// its numbers in a table next to it; the chart is the picture of that table.
//
// A table [data-sortable] sorts by a column when its header button is pressed; cells
// may carry data-value (a number) to sort by instead of their text.
(function () {
  "use strict";

  var PALETTE = ["#0d4a8f", "#2e8b57", "#d08700", "#b3261e", "#6f42c1", "#17a2b8", "#6c757d", "#e83e8c"];
  var charts = [];

  function narrow(el) {
    return el.clientWidth < 520;
  }

  function percentLabel(value) {
    return value === null || value === undefined ? "—" : value + "%";
  }

  function tooltipFormatter(params) {
    var list = Array.isArray(params) ? params : [params];
    if (!list.length) {
      return "";
    }
    var lines = [list[0].axisValueLabel || list[0].name];
    list.forEach(function (p) {
      var value = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
      var rate = p.seriesId && p.seriesId.indexOf("rate:") === 0;
      var shown = rate ? percentLabel(value) : value === null || value === undefined ? "—" : value;
      if (p.percent !== undefined) {
        shown = value + "（" + p.percent + "%）";
      }
      lines.push(p.marker + (p.seriesName || p.name) + "：" + shown);
    });
    return lines.join("<br>");
  }

  function baseOption(el) {
    var small = narrow(el);
    return {
      color: PALETTE,
      animation: false,
      textStyle: { fontSize: small ? 13 : 14, fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", confine: true, formatter: tooltipFormatter, textStyle: { fontSize: 14 } },
      legend: { bottom: 0, type: "scroll", itemGap: small ? 10 : 18, textStyle: { fontSize: 13 } },
      grid: { left: 8, right: 12, top: 36, bottom: 40, containLabel: true }
    };
  }

  function axisSeries(spec, el) {
    var hasRate = spec.series.some(function (s) { return s.axis === "rate"; });
    var hasCount = spec.series.some(function (s) { return s.axis !== "rate"; });
    var small = narrow(el);
    var category = {
      type: "category",
      data: spec.categories,
      axisLabel: { fontSize: 12, hideOverlap: true, rotate: small && spec.categories.length > 6 ? 45 : 0 }
    };
    var yAxes = [];
    if (hasCount) {
      yAxes.push({ type: "value", name: spec.countName || "件", minInterval: 1, nameTextStyle: { fontSize: 12 }, axisLabel: { fontSize: 12 } });
    }
    if (hasRate) {
      yAxes.push({
        type: "value", name: "%", min: 0, max: 100, nameTextStyle: { fontSize: 12 },
        axisLabel: { fontSize: 12, formatter: "{value}%" }, splitLine: { show: !hasCount }
      });
    }
    var series = spec.series.map(function (s) {
      var rate = s.axis === "rate";
      return {
        id: (rate ? "rate:" : "count:") + s.name,
        name: s.name,
        type: s.type || (rate ? "line" : "bar"),
        data: s.data,
        yAxisIndex: rate && hasCount ? 1 : 0,
        connectNulls: false,
        symbolSize: 7,
        barMaxWidth: 36,
        label: spec.kind === "hbar" ? { show: true, position: "right", fontSize: 12 } : undefined
      };
    });
    return { category: category, yAxes: yAxes, series: series };
  }

  function buildOption(spec, el) {
    var option = baseOption(el);
    if (spec.kind === "pie") {
      option.tooltip = { trigger: "item", confine: true, formatter: tooltipFormatter };
      option.legend.show = false;  // every slice is labelled with its name and count
      option.series = [{
        type: "pie",
        radius: narrow(el) ? ["32%", "60%"] : ["38%", "66%"],
        center: ["50%", "50%"],
        data: spec.series[0].data,
        label: { formatter: "{b}\n{c}", fontSize: 13 },
        labelLine: { length: 8, length2: 8 },
        avoidLabelOverlap: true
      }];
      return option;
    }
    var parts = axisSeries(spec, el);
    if (spec.kind === "hbar") {
      parts.category.inverse = true;
      parts.category.axisLabel.rotate = 0;
      parts.category.axisLabel.width = narrow(el) ? 84 : 140;
      parts.category.axisLabel.overflow = "truncate";
      option.xAxis = parts.yAxes[0];
      option.yAxis = parts.category;
      option.legend.show = spec.series.length > 1;
      option.grid.bottom = option.legend.show ? 40 : 8;
      option.grid.right = 36;
    } else {
      option.xAxis = parts.category;
      option.yAxis = parts.yAxes;
      option.legend.show = spec.series.length > 1;
      option.grid.bottom = option.legend.show ? 40 : 8;
    }
    option.series = parts.series;
    return option;
  }

  function readSpec(el) {
    var block = document.getElementById(el.getAttribute("data-chart"));
    if (!block || block.type !== "application/json") {
      return null;
    }
    try {
      return JSON.parse(block.textContent);
    } catch (err) {
      return null;
    }
  }

  function draw(el) {
    var spec = readSpec(el);
    if (!spec || typeof echarts === "undefined") {
      return;
    }
    var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
    chart.setOption(buildOption(spec, el), true);
    charts.push({ el: el, chart: chart, spec: spec, narrow: narrow(el) });
  }

  function resizeAll() {
    charts.forEach(function (item) {
      var nowNarrow = narrow(item.el);
      if (nowNarrow !== item.narrow) {  // phone ↔ desktop: rebuild fonts and layout
        item.narrow = nowNarrow;
        item.chart.setOption(buildOption(item.spec, item.el), true);
      }
      item.chart.resize();
    });
  }

  var pending = null;
  function scheduleResize() {
    if (pending) {
      window.clearTimeout(pending);
    }
    pending = window.setTimeout(resizeAll, 120);
  }

  // -- sortable tables -------------------------------------------------------------
  function cellKey(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) {
      return numeric ? null : "";
    }
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (numeric) {
      var n = parseFloat(raw);
      return isNaN(n) ? null : n;  // "—" (no denominator): last in either direction
    }
    return raw;
  }

  function sortTable(button) {
    var th = button.closest("th");
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.cells, th);
    var numeric = th.getAttribute("data-sort") === "number";
    var descending = th.getAttribute("aria-sort") !== "descending";
    Array.prototype.forEach.call(th.parentNode.cells, function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return !r.hasAttribute("data-fixed"); });
    rows.sort(function (a, b) {
      var x = cellKey(a, index, numeric);
      var y = cellKey(b, index, numeric);
      if (x === null || y === null) {
        return x === y ? 0 : x === null ? 1 : -1;
      }
      var order = numeric ? x - y : String(x).localeCompare(String(y), "zh-CN");
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("table[data-sortable] th button[data-sort-button]");
    if (button) {
      event.preventDefault();
      sortTable(button);
    }
  });

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
    window.addEventListener("resize", scheduleResize);
    window.addEventListener("beforeprint", resizeAll);
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      if (print.addEventListener) {
        print.addEventListener("change", resizeAll);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
