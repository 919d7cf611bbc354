"""Analytics: the case KPIs, their daily rollup, rankings, and the reads behind the dashboards, the
command centre's big screen and the region pages, with their one-minute cache. It reads the tables of
the apps below it and writes only its own rollup; ``cases`` tells it what changed through the case
events (``kpi_rollup``), never by calling it."""
