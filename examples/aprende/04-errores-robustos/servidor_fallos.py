# Un servidor que falla a propósito, para ver cada error desde el cliente.
# Uso: python3 servidor_fallos.py MODO [PUERTO]     (o la variable PORT; 0 elige un puerto libre)
#   saludo  envía el saludo del original y cierra, como servidor.py
#   mudo    acepta y no envía nada: el cliente agota su timeout
#   reset   acepta y corta de golpe con un RST: ConnectionResetError en el cliente
#   latin1  envía texto en Latin-1 en vez de UTF-8: UnicodeDecodeError en el cliente
import errno
import os
import socket
import struct
import sys

TEXTOS = {
    'es': {
        'uso': 'Uso: python3 servidor_fallos.py saludo|mudo|reset|latin1 [PUERTO]',
        'escuchando': 'Escuchando en 127.0.0.1:{puerto} (modo {modo})',
        'en_uso': 'Error: el puerto {puerto} ya está en uso (Address already in use). '
                  'Cierra el otro programa o usa otro puerto (0 elige uno libre).',
    },
    'en': {
        'uso': 'Usage: python3 servidor_fallos.py saludo|mudo|reset|latin1 [PORT]',
        'escuchando': 'Listening on 127.0.0.1:{puerto} (mode {modo})',
        'en_uso': 'Error: port {puerto} is already in use (Address already in use). '
                  'Stop the other program or use another port (0 picks a free one).',
    },
}
T = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
MODOS = ('saludo', 'mudo', 'reset', 'latin1')

modo = sys.argv[1] if len(sys.argv) > 1 else ''
if modo not in MODOS:
    print(T['uso'], file=sys.stderr)
    sys.exit(2)
puerto = int(sys.argv[2] if len(sys.argv) > 2 else os.environ.get('PORT', 5000))

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# Sin esta línea, relanzar el servidor justo después de que cerrara una conexión da
# "Address already in use": esa conexión sigue unos segundos en TIME_WAIT.
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    server.bind(('127.0.0.1', puerto))
except OSError as error:
    if error.errno != errno.EADDRINUSE:
        raise
    print(T['en_uso'].format(puerto=puerto), file=sys.stderr)
    sys.exit(1)
server.listen(1)

print(T['escuchando'].format(puerto=server.getsockname()[1], modo=modo), flush=True)
print('Servidor esperando conexion tenga paciencia...', flush=True)

conn, addr = server.accept()
print(f'Conexion establecida desde {addr}', flush=True)

if modo == 'saludo':
    conn.sendall(b'Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!')
elif modo == 'latin1':
    conn.sendall('Hola desde Latin-1: café, niño, corazón'.encode('latin-1'))
elif modo == 'reset':
    # SO_LINGER con tiempo 0: close() no despide la conexión con FIN, la corta con RST.
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
elif modo == 'mudo':
    conn.recv(1)  # no envía nada: espera a que el cliente se canse y cierre

conn.close()
server.close()
