/**
 * The socket lifecycle as events, for `--trace`: the seed README's diagram, live; for a framed client,
 * also the preface and every frame.
 * The library emits these on its 'trace' event; the CLI prints them in the user's language.
 */
export type TraceEvent =
  | { readonly step: "create"; readonly role: "server" | "client" }
  | { readonly step: "bind"; readonly address: string }
  | { readonly step: "listen"; readonly address: string; readonly backlog: number }
  | { readonly step: "accept"; readonly peer: string; readonly id: number }
  | { readonly step: "connect"; readonly address: string }
  | { readonly step: "connected"; readonly local: string; readonly peer: string }
  | { readonly step: "send"; readonly bytes: number; readonly peer: string }
  | { readonly step: "receive"; readonly bytes: number; readonly peer: string }
  | { readonly step: "end"; readonly peer: string }
  | { readonly step: "close"; readonly peer: string; readonly sent: number; readonly received: number }
  /** A framed client's preface (`00 45 4E 43`) sent, or its echo found after the greeting text. */
  | { readonly step: "preface"; readonly direction: "sent" | "received" }
  /** One whole frame a framed client sent or received (docs/PROTOCOL.md §2): its type and exact bytes. */
  | {
      readonly step: "frame";
      readonly direction: "sent" | "received";
      readonly type: string;
      readonly data: Buffer;
    };

/** Something that reports trace events (a server or a client); undefined when nobody listens. */
export type TraceSink = ((event: TraceEvent) => void) | undefined;
