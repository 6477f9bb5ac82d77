# servidor.py escuchando en la dirección que elijas, y diciendo quién puede llegar a ella.
# Uso: python3 servidor_direccion.py [HOST] [PUERTO]   (HOST 127.0.0.1; PUERTO 5000 o la variable PORT)
import errno
import os
import socket
import sys

TEXTOS = {
    'es': {
        'escuchando': 'Escuchando en {direccion} ({alcance})',
        '127.0.0.1': 'solo esta máquina: loopback IPv4',
        '::1': 'solo esta máquina: loopback IPv6',
        '0.0.0.0': 'todas las interfaces IPv4: también otras máquinas de tu red',
        '::': 'todas las interfaces, IPv6 e IPv4: también otras máquinas de tu red',
        'otra': 'solo quien llegue por la interfaz que tiene esa dirección',
        'no_es_mia': 'Error: {host} no es una dirección de esta máquina (EADDRNOTAVAIL). '
                     'Usa 127.0.0.1, 0.0.0.0 o una de las que muestra "ip addr".',
    },
    'en': {
        'escuchando': 'Listening on {direccion} ({alcance})',
        '127.0.0.1': 'this machine only: IPv4 loopback',
        '::1': 'this machine only: IPv6 loopback',
        '0.0.0.0': 'every IPv4 interface: other machines on your network too',
        '::': 'every interface, IPv6 and IPv4: other machines on your network too',
        'otra': 'only whoever comes through the interface that has that address',
        'no_es_mia': 'Error: {host} is not an address of this machine (EADDRNOTAVAIL). '
                     'Use 127.0.0.1, 0.0.0.0 or one of those "ip addr" shows.',
    },
}
T = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']

host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
puerto = int(sys.argv[2] if len(sys.argv) > 2 else os.environ.get('PORT', 5000))
familia = socket.AF_INET6 if ':' in host else socket.AF_INET  # una dirección IPv6 lleva ':'

server = socket.socket(familia, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    server.bind((host, puerto))
except OSError as error:
    if error.errno != errno.EADDRNOTAVAIL:
        raise
    print(T['no_es_mia'].format(host=host), file=sys.stderr)
    sys.exit(1)
server.listen(1)

puerto = server.getsockname()[1]
direccion = f'[{host}]:{puerto}' if familia == socket.AF_INET6 else f'{host}:{puerto}'
print(T['escuchando'].format(direccion=direccion, alcance=T.get(host, T['otra'])), flush=True)
print('Servidor esperando conexion tenga paciencia...', flush=True)

conn, addr = server.accept()
print(f'Conexion establecida desde {addr}', flush=True)  # en IPv6: (ip, puerto, flowinfo, scope_id)
conn.sendall(b'Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!')
conn.close()
server.close()
