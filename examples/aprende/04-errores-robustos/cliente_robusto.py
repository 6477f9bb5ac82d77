# cliente.py con cada error de "Errores Comunes" atrapado y explicado en una línea.
# Uso: python3 cliente_robusto.py [PUERTO] [HOST]   (o la variable PORT; TIMEOUT en segundos, 5)
import errno
import os
import socket
import sys

TEXTOS = {
    'es': {
        'rechazada': 'Error: {destino} rechazó la conexión (ConnectionRefusedError). '
                     '¿Está corriendo el servidor? Inícialo primero.',
        'timeout_connect': 'Error: {destino} no respondió en {segundos} s al conectar (socket.timeout). '
                           'Revisa la dirección; un cortafuegos puede estar descartando los paquetes.',
        'timeout_recv': 'Error: el servidor no envió nada en {segundos} s (socket.timeout). '
                        'Revisa el servidor o aumenta TIMEOUT.',
        'reset': 'Error: el servidor cortó la conexión de golpe (ConnectionResetError). '
                 'Vuelve a intentarlo; si se repite, mira el registro del servidor.',
        'sin_ruta': 'Error: no hay ruta de red hacia {destino} (ENETUNREACH). '
                    'Revisa la dirección y tu conexión de red.',
        'no_utf8': 'Aviso: el servidor envió bytes que no son UTF-8 (UnicodeDecodeError); se muestran como �.',
    },
    'en': {
        'rechazada': 'Error: {destino} refused the connection (ConnectionRefusedError). '
                     'Is the server running? Start it first.',
        'timeout_connect': 'Error: {destino} did not answer within {segundos} s while connecting (socket.timeout). '
                           'Check the address; a firewall may be dropping the packets.',
        'timeout_recv': 'Error: the server sent nothing in {segundos} s (socket.timeout). '
                        'Check the server or raise TIMEOUT.',
        'reset': 'Error: the server cut the connection abruptly (ConnectionResetError). '
                 'Try again; if it happens again, read the server\'s log.',
        'sin_ruta': 'Error: there is no network route to {destino} (ENETUNREACH). '
                    'Check the address and your network connection.',
        'no_utf8': 'Warning: the server sent bytes that are not UTF-8 (UnicodeDecodeError); shown as �.',
    },
}
T = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']

puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))
host = sys.argv[2] if len(sys.argv) > 2 else '127.0.0.1'
segundos = float(os.environ.get('TIMEOUT', 5))
destino = f'[{host}]:{puerto}' if ':' in host else f'{host}:{puerto}'


def fallar(clave):
    print(T[clave].format(destino=destino, segundos=segundos), file=sys.stderr)
    sys.exit(1)


familia = socket.AF_INET6 if ':' in host else socket.AF_INET  # IPv6 (::1) si la dirección lleva ':'
client = socket.socket(familia, socket.SOCK_STREAM)
client.settimeout(segundos)  # connect() y cada recv() esperan como mucho esto
paso = 'connect'
try:
    client.connect((host, puerto))
    paso = 'recv'
    partes = []
    while True:  # recv(1024) no es "un mensaje": se lee hasta que el servidor cierre
        parte = client.recv(1024)
        partes.append(parte)
        if not parte or b'\n' in parte:
            break
except ConnectionRefusedError:
    fallar('rechazada')
except ConnectionResetError:
    fallar('reset')
except socket.timeout:
    fallar('timeout_' + paso)
except OSError as error:
    if error.errno not in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        raise
    fallar('sin_ruta')
finally:
    client.close()

datos = b''.join(partes)
try:
    mensaje = datos.decode('utf-8')  # se decodifica todo junto: un carácter puede llegar partido en dos recv
except UnicodeDecodeError:
    print(T['no_utf8'], file=sys.stderr)
    mensaje = datos.decode('utf-8', errors='replace')
print(f'Mensaje del servidor: {mensaje}')
