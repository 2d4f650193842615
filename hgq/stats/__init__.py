"""Statistics (三率 and the dashboards' other measures, DESIGN §5): a rollup of the
cases kept up to date with every change (:mod:`hgq.stats.rollup`), read by
:mod:`hgq.stats.queries`."""
