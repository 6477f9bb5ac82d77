/** The live view of a server: `createMonitor()`, the Prometheus renderer and the event ring. */

export { EventRing, type MonitorEvent } from "./events.js";
export { CONNZ_SORT_FIELDS, createMonitor, Monitor, type MonitorOptions } from "./monitor.js";
export { escapeLabelValue, PROMETHEUS_CONTENT_TYPE, renderMetrics } from "./prometheus.js";
