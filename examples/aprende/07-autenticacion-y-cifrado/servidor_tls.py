# servidor.py con TLS: el mismo saludo, cifrado. Los certificados los crea "npx enchufe cert".
# Uso: python3 servidor_tls.py [CARPETA] [PUERTO]   (CARPETA certs, con server.pem y server-key.pem;
#      PUERTO 5000 o la variable PORT)
import os
import socket
import ssl
import sys

TEXTOS = {
    'es': {
        'escuchando': 'Escuchando en 127.0.0.1:{puerto} (TLS)',
        'cifrado': 'Cifrado: {version}, {cifra}',
        'fallo': 'Error: el cliente no completó el saludo TLS ({motivo}).',
    },
    'en': {
        'escuchando': 'Listening on 127.0.0.1:{puerto} (TLS)',
        'cifrado': 'Encrypted: {version}, {cifra}',
        'fallo': 'Error: the client did not complete the TLS handshake ({motivo}).',
    },
}
T = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
carpeta = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else 'certs'
puerto = int(sys.argv[2] if len(sys.argv) > 2 else os.environ.get('PORT', 5000))

# El contexto dice cómo hablar TLS: qué certificado mostrar, desde qué versión.
contexto = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
contexto.minimum_version = ssl.TLSVersion.TLSv1_2
contexto.load_cert_chain(os.path.join(carpeta, 'server.pem'), os.path.join(carpeta, 'server-key.pem'))

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('127.0.0.1', puerto))
server.listen(1)
print(T['escuchando'].format(puerto=server.getsockname()[1]), flush=True)
print('Servidor esperando conexion tenga paciencia...', flush=True)

conn, addr = server.accept()
print(f'Conexion establecida desde {addr}', flush=True)
try:
    tls = contexto.wrap_socket(conn, server_side=True)  # aquí ocurre el saludo TLS (handshake)
except (ssl.SSLError, OSError) as error:
    print(T['fallo'].format(motivo=getattr(error, 'reason', None) or error), file=sys.stderr)
    conn.close()
    sys.exit(1)
print(T['cifrado'].format(version=tls.version(), cifra=tls.cipher()[0]), flush=True)
tls.sendall(b'Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!')
try:
    tls.unwrap()  # cierra TLS como se debe: close_notify ("no envío más") antes de cerrar la conexión
except (ssl.SSLError, OSError):
    pass  # el cliente se fue sin despedirse: nada que hacer
tls.close()
server.close()
