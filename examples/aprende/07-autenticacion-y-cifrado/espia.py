# Un intermediario (man-in-the-middle): recibe al cliente, conecta con el servidor y reenvía los bytes en
# ambos sentidos, imprimiendo lo que vería cualquiera que mirase la red.
# Uso: python3 espia.py PUERTO_DESTINO [PUERTO]   (escucha en PUERTO, 5000 o la variable PORT)
import os
import socket
import sys
import threading

TEXTOS = {
    'es': {
        'escuchando': 'Escuchando en 127.0.0.1:{puerto}, reenviando a 127.0.0.1:{destino}',
        'cliente': 'cliente -> servidor',
        'servidor': 'servidor -> cliente',
        'bytes': '{sentido}: {n} bytes',
        'registro': 'registro TLS: {tipo}',
    },
    'en': {
        'escuchando': 'Listening on 127.0.0.1:{puerto}, forwarding to 127.0.0.1:{destino}',
        'cliente': 'client -> server',
        'servidor': 'server -> client',
        'bytes': '{sentido}: {n} bytes',
        'registro': 'TLS record: {tipo}',
    },
}
T = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
# El primer byte de un registro TLS dice su tipo; el segundo, 3 (la versión: 3.1 a 3.4).
TIPOS_TLS = {0x14: 'change_cipher_spec', 0x15: 'alert', 0x16: 'handshake', 0x17: 'application_data'}
imprimir = threading.Lock()

destino = int(sys.argv[1])
puerto = int(sys.argv[2] if len(sys.argv) > 2 else os.environ.get('PORT', 5000))


def mostrar(sentido, datos):
    texto = ''.join(chr(b) if 32 <= b < 127 else '.' for b in datos[:72])
    lineas = [T['bytes'].format(sentido=T[sentido], n=len(datos)), '  hex:   ' + datos[:16].hex(' ')]
    if len(datos) >= 5 and datos[0] in TIPOS_TLS and datos[1] == 3:
        lineas.append('  ' + T['registro'].format(tipo=TIPOS_TLS[datos[0]]))
    lineas.append('  texto: ' + texto)
    with imprimir:
        print('\n'.join(lineas), flush=True)


def reenviar(origen, hacia, sentido):
    while True:
        datos = origen.recv(65536)
        if not datos:
            break
        mostrar(sentido, datos)
        hacia.sendall(datos)
    try:
        hacia.shutdown(socket.SHUT_WR)  # el FIN también se reenvía
    except OSError:
        pass  # el otro lado ya se fue


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('127.0.0.1', puerto))
server.listen(1)
print(T['escuchando'].format(puerto=server.getsockname()[1], destino=destino), flush=True)

cliente, _ = server.accept()
servidor = socket.create_connection(('127.0.0.1', destino))
ida = threading.Thread(target=reenviar, args=(cliente, servidor, 'cliente'))
vuelta = threading.Thread(target=reenviar, args=(servidor, cliente, 'servidor'))
ida.start()
vuelta.start()
ida.join()
vuelta.join()
cliente.close()
servidor.close()
server.close()
