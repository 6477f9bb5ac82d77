# servidor.ts en Python: contesta cada mensaje con "eco: " y el mensaje, con el mismo protocolo.
# Atiende hasta que lo pares con Ctrl+C. Ejecútalo: python3 examples/aprende/06-protocolo-propio/servidor.py [puerto]
import os
import socket
import sys
import threading

from protocolo import enviar, recibir

TEXTOS = {
    'es': {'escuchando': 'Escuchando en 127.0.0.1:{}', 'mensaje': 'mensaje de {} bytes'},
    'en': {'escuchando': 'Listening on 127.0.0.1:{}', 'mensaje': 'message of {} bytes'},
}
texto = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))


def atender(conn):
    with conn:
        try:
            while (mensaje := recibir(conn)) is not None:
                print(texto['mensaje'].format(len(mensaje)))
                enviar(conn, b'eco: ' + mensaje)
        except (ValueError, ConnectionError) as error:
            print(f'Error: {error}', file=sys.stderr)


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', puerto))
server.listen()
print(texto['escuchando'].format(server.getsockname()[1]))
while True:
    conn, _ = server.accept()
    threading.Thread(target=atender, args=(conn,), daemon=True).start()
