/** The live view of a server: `createMonitor()`, the Prometheus renderer and the event ring. */

export { EventRing, followHandler, type MonitorEvent, type NewMonitorEvent } from "./events.js";
export { CONNZ_SORT_FIELDS, createMonitor, Monitor, type MonitorOptions } from "./monitor.js";
export { escapeLabelValue, PROMETHEUS_CONTENT_TYPE, renderMetrics } from "./prometheus.js";
export { handlerSource, type MonitorSource, type NodeView, nodeView } from "./source.js";
