// Publish/subscribe with the enchufe library: a reader subscribes to sensores.*, a sensor publishes.
// Run: npx tsx publicar_suscribir.ts [port] [sensor-port]   (port 5000 or env PORT; sensor-port: the
// sensor connects to another node of a cluster, or to the same server when omitted)
import { connect } from "enchufe";

const TEXTS = {
  es: { start: "lector en el puerto {reader}, sensor en el {sensor}: suscrito a sensores.*" },
  en: { start: "reader on port {reader}, sensor on {sensor}: subscribed to sensores.*" },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);
const sensorPort = Number(process.argv[3] ?? port);

const reader = await connect({ port, name: "lector" });
const readings = reader.subscribe("sensores.*"); // * is one word: sensores.cocina, not sensores.cocina.humedad
await reader.flush(); // a PING/PONG round trip: the server (every node, in a cluster) knows it now
console.log(text.start.replace("{reader}", String(port)).replace("{sensor}", String(sensorPort)));

const sensor = await connect({ port: sensorPort, name: "sensor-1" });
sensor.publish("sensores.cocina", "21.5");
sensor.publish("sensores.cocina.humedad", "40"); // two words after sensores: the reader never gets it
sensor.publish("sensores.salon", "19.0");
sensor.publish("sensores.patio", "fin");

let received = 0;
for await (const message of readings) {
  console.log(`[${message.topic}] ${message.from}: ${Buffer.from(message.payload).toString()}`);
  if (++received === 3) break; // leaving the loop unsubscribes
}
await sensor.close();
await reader.close();
