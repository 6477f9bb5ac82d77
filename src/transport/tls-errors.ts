/** Turns TLS handshake failures into distinct, actionable error codes. */
import { EnchufeError, type ErrorCode } from "../errors.js";
import { formatAddress } from "./address.js";
import { mapSocketError, type Step } from "./tcp.js";

const BY_CODE: Readonly<Record<string, ErrorCode>> = {
  ERR_TLS_CERT_ALTNAME_INVALID: "ETLSHOSTNAME",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "ETLSUNTRUSTED",
  SELF_SIGNED_CERT_IN_CHAIN: "ETLSUNTRUSTED",
  DEPTH_ZERO_SELF_SIGNED_CERT: "ETLSUNTRUSTED",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "ETLSUNTRUSTED",
  UNABLE_TO_GET_ISSUER_CERT: "ETLSUNTRUSTED",
  CERT_UNTRUSTED: "ETLSUNTRUSTED",
  CERT_HAS_EXPIRED: "ETLSEXPIRED",
  CERT_NOT_YET_VALID: "ETLSEXPIRED",
  ERR_SSL_WRONG_VERSION_NUMBER: "ETLSPLAIN",
  ERR_SSL_PACKET_LENGTH_TOO_LONG: "ETLSPLAIN",
  ERR_SSL_HTTP_REQUEST: "ETLSPLAIN",
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: "ETLSCLIENTCERT",
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: "ETLSCLIENTCERT",
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: "ETLSCLIENTCERT",
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: "ETLSCLIENTCERT",
};

/** Maps an error from a TLS connection attempt; plain socket errors keep their socket codes. */
export function mapTlsError(error: unknown, where: { host: string; port: number; step: Step }): EnchufeError {
  if (error instanceof EnchufeError && error.cause === undefined) return error;
  const cause = error instanceof EnchufeError ? error.cause : error;
  const systemCode = (cause as NodeJS.ErrnoException | undefined)?.code ?? "";
  const text = cause instanceof Error ? cause.message : String(cause);
  let code = BY_CODE[systemCode];
  if (code === undefined && /wrong version number|packet length too long|http request/i.test(text))
    code = "ETLSPLAIN";
  if (code === undefined && /certificate required|bad certificate|unknown ca/i.test(text))
    code = "ETLSCLIENTCERT";
  if (code === undefined) {
    // A TLS client hanging up on a plain server (or the reverse) often looks like a reset or an early close.
    if (systemCode === "ECONNRESET" && where.step === "connect") code = "ETLSPLAIN";
    else if (systemCode === "ECONNRESET" && where.step === "read") code = "ETLSCLIENTCERT";
    else return error instanceof EnchufeError ? error : mapSocketError(cause, where);
  }
  const address = formatAddress(where.host, where.port);
  return new EnchufeError(code, `TLS ${where.step} ${address} failed: ${text}`, {
    details: {
      host: where.host,
      port: where.port,
      address,
      step: where.step,
      message: text,
      system: systemCode,
    },
    cause,
  });
}
