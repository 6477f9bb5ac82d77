/** enchufe's public library API. */

export type { PubAck } from "./client/acks.js";
export { connect, EnchufeClient, type Reply, type ServerInfo } from "./client/client.js";
export {
  DEFAULT_GREETING_TIMEOUT_MS,
  type FetchGreetingOptions,
  fetchGreeting,
  type Greeting,
} from "./client/greet.js";
export type { TopicHistory } from "./client/history.js";
export {
  backoffDelay,
  type ClientOptions,
  DEFAULT_CLIENT_OPTIONS,
  type ReconnectOptions,
} from "./client/options.js";
export {
  type IncomingRequest as ClientRequest,
  type Message,
  type ReplayInfo,
  type SubscribeStart,
  Subscription,
} from "./client/subscription.js";
export type { WebSocketConstructor, WebSocketLike } from "./client/websocket-like.js";
export { EnchufeError, ERROR_CODES, type ErrorCode, type ErrorDetails, isEnchufeError } from "./errors.js";
export { type Lang, parseLang } from "./i18n/lang.js";
export { CloseReason, ErrCode, type Frame, type Headers, ReplyStatus } from "./protocol/frames.js";
export { matchTopic } from "./protocol/topics.js";
export {
  type BusState,
  createBus,
  MemoryBus,
  type MessageBus,
  RedisBus,
  type RedisBusOptions,
} from "./server/bus/index.js";
export type { IncomingRequest, RequestHandler, RequestResult } from "./server/handlers.js";
export {
  DEFAULT_MESSAGING_OPTIONS,
  type MessagingOptions,
  resolveMessagingOptions,
} from "./server/limits.js";
export { MessagingHandler } from "./server/messaging.js";
export {
  CONNZ_SORT_FIELDS,
  createMonitor,
  EventRing,
  Monitor,
  type MonitorEvent,
  type MonitorOptions,
  renderMetrics,
} from "./server/monitor/index.js";
export {
  type ConnectionHandler,
  type ConnectionInfo,
  DEFAULT_SERVER_OPTIONS,
  ORIGINAL_GREETING,
  type ServerMode,
  type ServerOptions,
} from "./server/options.js";
export type { MessageEvent, RoomInfo } from "./server/routing/interfaces.js";
export { type BoundAddress, createServer, EnchufeServer } from "./server/server.js";
export type { ClientInfo, DisconnectReason } from "./server/session.js";
export type {
  ClusterState,
  ConnectionKind,
  ConnectionStats,
  RejectReason,
  StatsSnapshot,
} from "./server/stats.js";
export {
  type DamagedRange,
  DEFAULT_FILE_STORE,
  DEFAULT_FSYNC,
  DEFAULT_HISTORY_LIMITS,
  FileHistoryStore,
  type FileStoreOptions,
  type FsyncPolicy,
  type HistoryLimits,
  type HistoryRead,
  type HistoryStart,
  type HistoryStats,
  type HistoryStore,
  MemoryHistoryStore,
  openFileHistoryStore,
  parseFsyncPolicy,
  type RecoveryReport,
  type StoredMessage,
  type StoreWarning,
} from "./store/index.js";
export { formatAddress, isLoopback, normalizeHost } from "./transport/address.js";
export type { Connection, ConnectionReceiver, Peer } from "./transport/connection.js";
export { connectionPair, MemoryClientEnd } from "./transport/memory.js";
export { SocketConnection } from "./transport/socket-connection.js";
export type { TraceEvent } from "./transport/trace.js";
