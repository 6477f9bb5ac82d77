# Un cliente del protocolo con prefijo de longitud: envía tres mensajes, uno con un salto de línea
# dentro y otro de 100 000 bytes, y muestra cada respuesta.
# Ejecútalo: python3 examples/aprende/06-protocolo-propio/cliente.py [puerto]
import os
import socket
import sys

from protocolo import enviar, recibir

RESPUESTA = {'es': 'respuesta de {} bytes: {!r}', 'en': 'answer of {} bytes: {!r}'}
respuesta = RESPUESTA['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))

with socket.create_connection(('127.0.0.1', puerto)) as client:
    for mensaje in (b'hola', b'dos\nlineas', b'x' * 100_000):
        enviar(client, mensaje)
        datos = recibir(client)
        vista = datos if len(datos) <= 40 else datos[:20] + b'...'
        print(respuesta.format(len(datos), vista))
